import { describe, expect, it } from 'vitest';
import { DevicePoints, stepUnderBudget } from './device-points';

describe('DevicePoints', () => {
  it('appends pages into one flat pair array and keeps the last id (a live search sends only new points)', () => {
    const p = new DevicePoints();
    p.append({ device: 'cpu', ids: [1, 2], latencyMs: [1.5, 2.5], accuracy: [0.5, 0.25] });
    p.append({ device: 'cpu', ids: [7], latencyMs: [3], accuracy: [0.75] });
    expect(p.count).toBe(3);
    expect(p.lastId).toBe(7);
    expect([...p.pairs()]).toEqual([1.5, 0.5, 2.5, 0.25, 3, 0.75]);
    expect([...p.ids.subarray(0, p.count)]).toEqual([1, 2, 7]);
  });

  it('holds 1 M points without a call-stack limit', () => {
    const p = new DevicePoints();
    const n = 250_000;
    for (let page = 0; page < 4; page++) {
      const ids = Array.from({ length: n }, (_, i) => page * n + i + 1);
      p.append({ device: 'cpu', ids, latencyMs: ids.map((i) => i / 1000), accuracy: ids.map(() => 0.5) });
    }
    expect(p.count).toBe(1_000_000);
    expect(p.pairs()).toHaveLength(2_000_000);
    expect(p.lastId).toBe(1_000_000);
  });
});

describe('stepUnderBudget', () => {
  const steps = { ids: [5, 1, 2, 4], latencyMs: [0.5, 1, 2, 3], accuracy: [0.4, 0.5, 0.7, 0.9] };
  it('finds the last step at or below the budget by binary search', () => {
    expect(stepUnderBudget(steps, 0.4)).toBe(-1);
    expect(stepUnderBudget(steps, 0.5)).toBe(0);
    expect(stepUnderBudget(steps, 2.9)).toBe(2);
    expect(stepUnderBudget(steps, 99)).toBe(3);
  });
});
