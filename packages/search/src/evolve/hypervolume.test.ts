import { describe, expect, it } from 'vitest';
import { hypervolume2d } from './hypervolume';

const ref = { accuracy: 0.5, cost: 10 };

describe('hypervolume2d', () => {
  it('is the rectangle to the reference for one point', () => {
    expect(hypervolume2d([{ accuracy: 0.9, cost: 2 }], ref)).toBeCloseTo(0.4 * 8);
  });

  it('sums a staircase of hand-made points', () => {
    const front = [
      { accuracy: 0.6, cost: 1 },
      { accuracy: 0.8, cost: 4 },
      { accuracy: 0.9, cost: 8 },
    ];
    // cost 1..4 at 0.1, 4..8 at 0.3, 8..10 at 0.4
    expect(hypervolume2d(front, ref)).toBeCloseTo(0.1 * 3 + 0.3 * 4 + 0.4 * 2);
    // order does not matter
    expect(hypervolume2d([...front].reverse(), ref)).toBeCloseTo(2.3);
  });

  it('adds nothing for dominated or duplicate points, or points beyond the reference', () => {
    const front = [{ accuracy: 0.6, cost: 1 }, { accuracy: 0.8, cost: 4 }, { accuracy: 0.9, cost: 8 }];
    const extra = [
      { accuracy: 0.7, cost: 5 }, // dominated by (0.8, 4)
      { accuracy: 0.8, cost: 4 }, // duplicate
      { accuracy: 0.99, cost: 12 }, // slower than the reference
      { accuracy: 0.4, cost: 0.5 }, // less accurate than the reference
    ];
    expect(hypervolume2d([...front, ...extra], ref)).toBeCloseTo(2.3);
  });

  it('is zero for an empty front and grows when a point is added to the front', () => {
    expect(hypervolume2d([], ref)).toBe(0);
    const front = [{ accuracy: 0.6, cost: 1 }, { accuracy: 0.9, cost: 8 }];
    expect(hypervolume2d([...front, { accuracy: 0.8, cost: 4 }], ref)).toBeGreaterThan(hypervolume2d(front, ref));
  });
});
