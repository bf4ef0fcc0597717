import { describe, expect, it } from 'vitest';
import { createRng, derive } from '@oqat/core';
import { InvalidQuantOptionError } from '../errors';
import { SQ_DEFAULT_RATIOS, sqErrors, sqProbabilities, sqQuantizedCount, sqSelect } from './sq-select';

describe('SQ quantization error per filter', () => {
  it('e_i = |W_i - Q_i|_1 / |W_i|_1 along the last axis (conv/dense layout), 0 for an all-zero filter', () => {
    // shape [2, 3]: filters are the columns {1, 3}, {-2, 0.5}, {0, 0}
    const w = [1, -2, 0, 3, 0.5, 0];
    const q = [1, -2, 0, 2, 1, 0];
    const e = sqErrors(w, q, [2, 3], 1);
    expect(Array.from(e)).toEqual([1 / 4, 0.5 / 2.5, 0]);
  });

  it('along another axis (depthwise [k, k, C, 1]: the channel axis 2)', () => {
    // shape [1, 2, 2, 1]: channel c holds elements c and 2 + c
    const w = [1, 2, 1, 2];
    const q = [0.5, 2, 1, 1];
    expect(Array.from(sqErrors(w, q, [1, 2, 2, 1], 2))).toEqual([0.5 / 2, 1 / 4]);
  });

  it('refuses a wrong axis or length in one line', () => {
    expect(() => sqErrors([1, 2], [1, 2], [2], 1)).toThrow(InvalidQuantOptionError);
    expect(() => sqErrors([1, 2], [1], [2], 0)).toThrow(/2 values each/);
  });
});

describe('SQ selection probabilities', () => {
  it('p_i = f(e_i) / Σ f, f(e) = 1/(e + ε): inversely proportional to the error', () => {
    const p = sqProbabilities([0.25, 0.2, 0.5]); // f = 4, 5, 2
    expect(p[0]).toBeCloseTo(4 / 11, 6);
    expect(p[1]).toBeCloseTo(5 / 11, 6);
    expect(p[2]).toBeCloseTo(2 / 11, 6);
  });

  it('an error of 0 is finite and all but certain to be chosen; all errors 0 is uniform', () => {
    const p = sqProbabilities([0, 0.5]);
    expect(Number.isFinite(p[0]!)).toBe(true);
    expect(p[0]).toBeGreaterThan(1 - 1e-6);
    expect(Array.from(sqProbabilities([0, 0, 0, 0]))).toEqual([0.25, 0.25, 0.25, 0.25]);
    for (let s = 0; s < 50; s++) expect(Array.from(sqSelect(createRng(s), p, 0.5))).toEqual([1, 0]);
  });

  it('refuses a negative or non-finite error', () => {
    expect(() => sqProbabilities([0.1, -1])).toThrow(/errors\[1\]/);
    expect(() => sqProbabilities([Number.NaN])).toThrow(InvalidQuantOptionError);
  });
});

describe('SQ stochastic partition (roulette without replacement)', () => {
  it("counts r·m filters, the full-precision count rounded down as the authors' code does", () => {
    expect(sqQuantizedCount(1, 7)).toBe(7);
    expect(sqQuantizedCount(0, 7)).toBe(0);
    expect(sqQuantizedCount(0.5, 10)).toBe(5);
    expect(sqQuantizedCount(0.875, 10)).toBe(9);
    expect(sqQuantizedCount(0.7, 10)).toBe(7);
    expect(() => sqQuantizedCount(1.5, 4)).toThrow(InvalidQuantOptionError);
    expect(SQ_DEFAULT_RATIOS).toEqual([0.5, 0.75, 0.875, 1]);
  });

  it('ratio 1 selects every filter and ratio 0 none, without drawing', () => {
    const rng = createRng(1);
    const p = sqProbabilities([0.1, 0.2, 0.3]);
    expect(Array.from(sqSelect(rng, p, 1))).toEqual([1, 1, 1]);
    expect(Array.from(sqSelect(rng, p, 0))).toEqual([0, 0, 0]);
    expect(rng.next()).toBe(createRng(1).next());
  });

  it('one filter chosen: each with its probability p_i', () => {
    const p = [0.5, 0.3, 0.2];
    const counts = [0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const mask = sqSelect(createRng(derive(11, i)), p, 0.3);
      expect(mask.reduce((a, b) => a + b, 0)).toBe(1);
      counts[mask.indexOf(1)]!++;
    }
    counts.forEach((c, i) => expect(c / n).toBeCloseTo(p[i]!, 1));
  });

  it('two of three chosen without replacement: P(filter 2 left in float) = p0·p1/(1-p0) + p1·p0/(1-p1)', () => {
    const p = [0.5, 0.3, 0.2];
    const expected = (0.5 * 0.3) / 0.5 + (0.3 * 0.5) / 0.7; // 0.5142857
    const n = 20000;
    let left = 0;
    for (let i = 0; i < n; i++) {
      const mask = sqSelect(createRng(derive(12, i)), p, 2 / 3);
      expect(mask.reduce((a, b) => a + b, 0)).toBe(2);
      if (mask[2] === 0) left++;
    }
    expect(Math.abs(left / n - expected)).toBeLessThan(0.015);
  });

  it('the same seed gives the same mask, another seed another one', () => {
    const p = sqProbabilities(Array.from({ length: 64 }, (_, i) => 0.05 + (i % 7) * 0.03));
    const mask = (seed: number) => Array.from(sqSelect(createRng(seed), p, 0.5));
    expect(mask(5)).toEqual(mask(5));
    expect(mask(5)).not.toEqual(mask(6));
    expect(mask(5).reduce((a, b) => a + b, 0)).toBe(32);
  });

  it('refuses a zero probability in one line', () => {
    expect(() => sqSelect(createRng(1), [0.5, 0], 0.5)).toThrow(/probabilities\[1\]/);
  });
});
