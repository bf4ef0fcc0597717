import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from './seeded-rng';

describe('createRng', () => {
  it('repeats with the seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('is roughly uniform and normal', () => {
    const r = createRng(1);
    let sum = 0;
    let sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[r.int(4)]!++;
    for (const c of counts) expect(Math.abs(c / n - 0.25)).toBeLessThan(0.02);
  });

  it('derives distinct sub-seeds', () => {
    expect(deriveSeed(1, 0, 1)).not.toBe(deriveSeed(1, 1, 0));
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
  });
});
