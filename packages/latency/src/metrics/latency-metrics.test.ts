import { describe, expect, it } from 'vitest';
import { createRng } from '@oqat/core';
import { latencyMetrics, ranks, spearman } from './latency-metrics';
import { measurePredictionRate } from './prediction-rate';

describe('latencyMetrics', () => {
  it('computes RMSE, MAPE, within +-10 % and Spearman', () => {
    const m = latencyMetrics([1.05, 2.4, 2.9, 4], [1, 2, 3, 4]);
    expect(m.n).toBe(4);
    expect(m.rmseMs).toBeCloseTo(Math.sqrt((0.05 ** 2 + 0.4 ** 2 + 0.1 ** 2) / 4));
    expect(m.mape).toBeCloseTo((0.05 + 0.2 + 0.1 / 3) / 4);
    expect(m.within10).toBe(0.75);
    expect(m.spearman).toBe(1);
  });

  it('ranks ties by their average and matches the closed form without ties', () => {
    expect(Array.from(ranks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
    const r = createRng(1);
    const a = Array.from({ length: 50 }, () => r.next());
    const b = a.map((v) => v + r.normal() * 0.1);
    const ra = ranks(a);
    const rb = ranks(b);
    let d2 = 0;
    for (let i = 0; i < 50; i++) d2 += (ra[i]! - rb[i]!) ** 2;
    expect(spearman(a, b)).toBeCloseTo(1 - (6 * d2) / (50 * (50 * 50 - 1)), 10);
    expect(spearman(a, a.map((v) => -v))).toBeCloseTo(-1);
  });

  it('measures prediction rates', () => {
    const rate = measurePredictionRate({ estimateMs: (layers) => layers.length }, [[], []], 20);
    // mechanics only: the rate itself is tools/bench/latency-fit.ts's figure (docs/benchmarks-latency.md)
    expect(rate).toBeGreaterThan(0);
    expect(Number.isFinite(rate)).toBe(true);
  });
});
