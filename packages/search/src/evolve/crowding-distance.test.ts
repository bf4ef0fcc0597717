import { describe, expect, it } from 'vitest';
import { crowdingDistance } from './crowding-distance';

describe('crowdingDistance', () => {
  it('gives the extremes Infinity and inner points their normalised neighbour gaps', () => {
    // A front on the line x + y = 4, unevenly spaced.
    const points = [[0, 4], [1, 3], [3, 1], [4, 0]];
    const d = crowdingDistance(points, [0, 1, 2, 3]);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    // point 1: neighbours at x=0 and x=3 (gap 3/4), y=4 and y=1 (gap 3/4)
    expect(d[1]).toBeCloseTo(1.5);
    expect(d[2]).toBeCloseTo(1.5);
  });

  it('ranks a crowded point below a lonely one', () => {
    const points = [[0, 10], [1, 9], [1.1, 8.9], [5, 5], [10, 0]];
    const d = crowdingDistance(points, [0, 1, 2, 3, 4]);
    expect(d[3]!).toBeGreaterThan(d[1]!);
    expect(d[3]!).toBeGreaterThan(d[2]!);
  });

  it('works on a subset of indices and on tiny fronts', () => {
    const points = [[9, 9], [0, 2], [1, 1], [2, 0]];
    const d = crowdingDistance(points, [1, 2, 3]);
    expect(Array.from(d)).toEqual([Infinity, 2, Infinity]);
    expect(Array.from(crowdingDistance(points, [1, 2]))).toEqual([Infinity, Infinity]);
  });

  it('ignores an objective on which every point is equal', () => {
    const points = [[0, 1], [1, 1], [2, 1]];
    expect(crowdingDistance(points, [0, 1, 2])[1]).toBeCloseTo(1);
  });
});
