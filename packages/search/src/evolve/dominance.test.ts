import { describe, expect, it } from 'vitest';
import { dominates, nonDominatedSort } from './dominance';

describe('dominates', () => {
  it('needs no worse everywhere and better somewhere (all minimised)', () => {
    expect(dominates([1, 1], [2, 2])).toBe(true);
    expect(dominates([1, 2], [2, 2])).toBe(true);
    expect(dominates([2, 2], [2, 2])).toBe(false); // equal points do not dominate each other
    expect(dominates([1, 3], [2, 2])).toBe(false); // a trade-off
    expect(dominates([3, 3], [2, 2])).toBe(false);
  });
});

describe('nonDominatedSort', () => {
  it('splits hand-made points into fronts', () => {
    //        0       1       2       3       4       5
    const points = [[1, 5], [2, 3], [4, 1], [3, 4], [5, 5], [2, 3]];
    const fronts = nonDominatedSort(points);
    // [2,3] twice: duplicates share a front.
    expect(fronts).toEqual([[0, 1, 2, 5], [3], [4]]);
  });

  it('handles three objectives and an empty input', () => {
    expect(nonDominatedSort([[1, 2, 3], [2, 1, 3], [2, 2, 4], [3, 3, 3]])).toEqual([[0, 1], [2, 3]]);
    expect(nonDominatedSort([])).toEqual([]);
  });
});
