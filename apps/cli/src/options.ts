import { UsageError } from './errors';

/** Reads a positive integer option, or the default when absent. */
export function intOption(value: unknown, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${String(value)}'`);
  return n;
}

/** Reads a positive number option, or undefined when absent. */
export function numberOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${String(value)}'`);
  return n;
}
