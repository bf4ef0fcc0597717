import { createRng } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import { randomSearch } from './random-search';
import { toyAccuracy, toyEncoder, toyLatencyMs } from './toy-encoder.fixture';

const base = {
  encoder: toyEncoder(10, 4),
  accuracy: async (c: { genes: number[] }) => toyAccuracy(c),
  efficiency: { latencyMs: toyLatencyMs },
  hypervolume: { reference: { accuracy: 0.5, cost: 61 } },
};

describe('randomSearch', () => {
  it('measures exactly the budget, within limits, with one hypervolume per `population` measurements', async () => {
    const r = await randomSearch({ ...base, rng: createRng(1), budget: 50, population: 16, limits: { latencyMs: 20 } });
    expect(r.evaluated).toBe(50);
    expect(r.hypervolumes).toHaveLength(4); // after 16, 32, 48 and 50
    expect(r.front.length).toBeGreaterThan(1);
    for (const s of r.front) expect(s.objectives.latencyMs).toBeLessThanOrEqual(20);
  });

  it('shares measurements through the cache but still counts its own', async () => {
    const cache = new Map<string, number>();
    let calls = 0;
    const accuracy = async (c: { genes: number[] }): Promise<number> => (calls++, toyAccuracy(c));
    await randomSearch({ ...base, accuracy, cache, rng: createRng(2), budget: 20 });
    const again = await randomSearch({ ...base, accuracy, cache, rng: createRng(2), budget: 20 });
    expect(calls).toBe(20);
    expect(again.evaluated).toBe(20);
  });

  it('rejects a non-positive budget', async () => {
    await expect(randomSearch({ ...base, rng: createRng(3), budget: 0 })).rejects.toThrow(/budget must be an integer >= 1, got 0/);
  });
});
