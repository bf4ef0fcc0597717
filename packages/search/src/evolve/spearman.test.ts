import { describe, expect, it } from 'vitest';
import { averageRanks, spearman } from './spearman';

describe('spearman', () => {
  it('is 1 for any increasing relation and -1 for a decreasing one', () => {
    const x = [1, 2, 3, 4, 5];
    expect(spearman(x, x.map((v) => v ** 3))).toBeCloseTo(1);
    expect(spearman(x, x.map((v) => -Math.exp(v)))).toBeCloseTo(-1);
  });

  it('averages tied ranks', () => {
    expect(Array.from(averageRanks([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
    // textbook value: x=[1,2,3,4,5], y=[2,1,4,3,5] -> 1 - 6*4/(5*24) = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8);
  });

  it('is NaN for a constant side or fewer than two points', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([1], [1])).toBeNaN();
  });
});
