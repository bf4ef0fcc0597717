import type { Rng } from '@oqat/core';
import type { CandidateEncoder } from './types';

/**
 * A toy candidate type for the search's tests: `genes.length` choices of
 * 0..values-1. Bigger genes cost more latency; accuracy rises with them with
 * diminishing returns, and some genes buy accuracy cheaply, so there is a
 * real trade-off front to find. Not exported from the package.
 */
export interface Toy {
  genes: number[];
}

export function toyEncoder(geneCount: number, values: number): CandidateEncoder<Toy> {
  return {
    sample: (rng: Rng) => ({ genes: Array.from({ length: geneCount }, () => rng.int(values)) }),
    mutate: (c, rng, prob) => ({ genes: c.genes.map((g) => (rng.next() < prob ? rng.int(values) : g)) }),
    crossover: (a, b, rng) => ({ genes: a.genes.map((g, i) => (rng.next() < 0.5 ? g : b.genes[i]!)) }),
    key: (c) => c.genes.join(','),
    feature: (c) => {
      const f = new Float32Array(geneCount * values);
      c.genes.forEach((g, i) => (f[i * values + g] = 1));
      return f;
    },
  };
}

/** Latency: gene i costs (i % 3 + 1) per step, so genes differ in price. */
export function toyLatencyMs(c: Toy): number {
  return c.genes.reduce((s, g, i) => s + g * ((i % 3) + 1), 0) + 1;
}

/** Accuracy in (0, 1): saturating in a weighted gene sum, weights unrelated to the price. */
export function toyAccuracy(c: Toy): number {
  const signal = c.genes.reduce((s, g, i) => s + g * (((i * 7) % 5) + 1), 0);
  const pair = c.genes.length > 1 && c.genes[0] === c.genes[1] ? 0.02 : 0; // an interaction a linear model misses
  return 0.5 + 0.45 * (1 - Math.exp(-signal / 40)) + pair;
}
