import type { SearchSpace } from '@oqat/latency';

/** The space's quantized widths, widest first (32, float, is not one). */
export function quantizedWidths(space: SearchSpace): number[] {
  return space.bits.filter((b) => b !== 32).sort((a, b) => b - a);
}

/**
 * Why an OQAT chain of widths (trained at the first, inherited down one at a
 * time) cannot train `space`, or undefined when it can: every width must be
 * one of the space's own (its subnets are sampled at them), and each one
 * narrower than the one before. The one check of a run's bits, made before
 * the run exists (CLI, app, config files).
 */
export function bitsChainProblem(space: SearchSpace, chain: readonly number[]): string | undefined {
  const widths = quantizedWidths(space);
  if (chain.length === 0) return 'is empty: name at least one bit width';
  const foreign = chain.find((b) => !widths.includes(b));
  if (foreign !== undefined) {
    return `${JSON.stringify(foreign)} is not a bit width of space '${space.name}' (its widths: ${widths.join(', ')})`;
  }
  const up = chain.findIndex((b, i) => i > 0 && b >= chain[i - 1]!);
  if (up > 0) return `must go down (inheritance passes a supernet to fewer bits), got ${chain.join(' → ')}`;
  return undefined;
}
