/**
 * Field readers for validating JSON (search spaces, subnets, train configs):
 * each reader checks one field and reports the full path of a bad one, so a
 * user sees `stages[2].kernels[1] must be an odd integer >= 1, got 4`.
 */
export type FieldErrorFactory = (field: string, problem: string) => Error;

export type JsonObject = Record<string, unknown>;

function show(v: unknown): string {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export class FieldReader {
  constructor(private readonly fail: FieldErrorFactory) {}

  error(field: string, problem: string): Error {
    return this.fail(field, problem);
  }

  object(v: unknown, field: string): JsonObject {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.fail(field, `must be an object, got ${show(v)}`);
    return v as JsonObject;
  }

  /** Rejects keys not in `allowed`: a typo (`depth` for `depths`) must not silently fall back to a default. */
  keys(o: JsonObject, field: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) throw this.fail(field ? `${field}.${k}` : k, `is not a known field (known: ${allowed.join(', ')})`);
    }
  }

  int(v: unknown, field: string, min = -Infinity, max = Infinity): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
      throw this.fail(field, `must be an integer ${range}, got ${show(v)}`);
    }
    return v;
  }

  num(v: unknown, field: string, min = -Infinity, max = Infinity): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
      throw this.fail(field, `must be a number ${range}, got ${show(v)}`);
    }
    return v;
  }

  bool(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') throw this.fail(field, `must be true or false, got ${show(v)}`);
    return v;
  }

  str(v: unknown, field: string): string {
    if (typeof v !== 'string' || v.length === 0) throw this.fail(field, `must be a non-empty string, got ${show(v)}`);
    return v;
  }

  oneOf<T extends string | number>(v: unknown, field: string, allowed: readonly T[]): T {
    if (!allowed.includes(v as T)) throw this.fail(field, `must be one of ${allowed.join(', ')}, got ${show(v)}`);
    return v as T;
  }

  array(v: unknown, field: string, minLength = 0): unknown[] {
    if (!Array.isArray(v) || v.length < minLength) throw this.fail(field, `must be an array of at least ${minLength} item(s), got ${show(v)}`);
    return v;
  }

  /** A non-empty list of distinct integers, returned sorted ascending. */
  intChoices(v: unknown, field: string, min: number, max = Infinity, check?: (x: number) => string | undefined): number[] {
    return this.choices(v, field, (x, f) => this.int(x, f, min, max), check);
  }

  /** A non-empty list of distinct numbers, returned sorted ascending. */
  numChoices(v: unknown, field: string, min: number, max = Infinity): number[] {
    return this.choices(v, field, (x, f) => this.num(x, f, min, max));
  }

  private choices(
    v: unknown,
    field: string,
    read: (x: unknown, field: string) => number,
    check?: (x: number) => string | undefined,
  ): number[] {
    const items = this.array(v, field, 1).map((x, i) => read(x, `${field}[${i}]`));
    items.forEach((x, i) => {
      const problem = check?.(x);
      if (problem) throw this.fail(`${field}[${i}]`, `${problem}, got ${x}`);
    });
    if (new Set(items).size !== items.length) throw this.fail(field, `must not repeat a value, got ${show(v)}`);
    return [...items].sort((a, b) => a - b);
  }
}
