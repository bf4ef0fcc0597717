import { InvalidRngArgumentError } from './errors';

/**
 * A small seeded random source. Every stochastic function in the project takes
 * one (Math.random is banned), so a run is reproduced from its seed alone.
 * Generator: mulberry32 — 32-bit state, fast in JS (Math.imul), period 2^32,
 * good enough for shuffling and augmentation; not for cryptography.
 */
export interface Rng {
  /** The uint32 seed this generator started from (log it with the run). */
  readonly seed: number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform uint32. */
  uint32(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number;
  /** True with probability p. */
  bool(p?: number): boolean;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<A extends MutableIndexable>(items: A): A;
  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
}

/** Anything indexable and writable: plain arrays and typed arrays. */
export interface MutableIndexable {
  length: number;
  [index: number]: unknown;
}

const GOLDEN = 0x9e3779b9;

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(text: string): number {
  // FNV-1a over UTF-16 code units; strings name phases ('shuffle', 'augment').
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Folds any safe integer (negative or above 2^32 too) into a uint32 without dropping its high bits. */
function integerToUint32(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidRngArgumentError('rng', what, value, 'a safe integer');
  }
  const low = value >>> 0;
  const high = Math.floor(value / 0x1_0000_0000) >>> 0;
  return high === 0 ? low : fmix32(low ^ fmix32(high + GOLDEN));
}

/**
 * A sub-seed from a seed and a path of parts, e.g. derive(runSeed, 'shuffle', epoch).
 * Different paths give unrelated streams, so adding a consumer (a new phase or
 * an extra augmentation) never shifts the randomness of the others.
 */
export function derive(seed: number, ...parts: ReadonlyArray<number | string>): number {
  let h = fmix32(integerToUint32(seed, 'seed') ^ GOLDEN);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const v = typeof part === 'string' ? hashString(part) : integerToUint32(part, `derive part ${i}`);
    h = fmix32((h ^ fmix32((v + Math.imul(GOLDEN, i + 1)) >>> 0)) + GOLDEN);
  }
  return h >>> 0;
}

/** A mulberry32 generator started from `seed` (any safe integer). */
export function createRng(seed: number): Rng {
  const start = integerToUint32(seed, 'seed');
  let state = start;
  let spareNormal: number | undefined;

  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => uint32() / 0x1_0000_0000;
  const int = (maxExclusive: number): number => {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0) {
      throw new InvalidRngArgumentError('rng.int', 'maxExclusive', maxExclusive, 'a positive integer');
    }
    return Math.floor(next() * maxExclusive);
  };
  const shuffle = <A extends MutableIndexable>(items: A): A => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  };

  return {
    seed: start,
    next,
    uint32,
    int,
    uniform: (low, high) => low + (high - low) * next(),
    bool: (p = 0.5) => next() < p,
    normal: () => {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      // 1 - next() is in (0, 1], so the log is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spareNormal = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new InvalidRngArgumentError('rng.pick', 'items', '[]', 'a non-empty array');
      return items[int(items.length)] as T;
    },
    shuffle,
    permutation: (n) => {
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      return shuffle(order);
    },
  };
}
