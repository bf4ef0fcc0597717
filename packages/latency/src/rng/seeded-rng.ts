/**
 * A small seeded generator (sfc32, Chris Doty-Humphrey's PractRand "small
 * fast counting" generator, seeded through splitmix32). The same seed gives
 * the same sequence on every platform. Math.random is never used.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** one element of a non-empty list */
  pick<T>(items: readonly T[]): T;
  /** standard normal (Box-Muller) */
  normal(): number;
  readonly seed: number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  const init = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  let spare: number | undefined;
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    seed,
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    normal: () => {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      let u = next();
      while (u <= 1e-12) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A sub-seed from a run seed and a path of integers (phase, epoch, step, index...). */
export function deriveSeed(seed: number, ...path: number[]): number {
  let h = (Math.floor(seed) ^ 0x2545f491) >>> 0;
  for (const p of [Math.floor(seed / 2 ** 32), ...path]) {
    h = Math.imul(h ^ (p >>> 0), 0x9e3779b1) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca77) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}
