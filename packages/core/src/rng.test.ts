import { describe, expect, it } from 'vitest';
import { InvalidRngArgumentError } from './errors';
import { createRng, derive } from './rng';

const draw = (seed: number, n = 8) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.uint32());
};

describe('createRng', () => {
  it('repeats for a seed and differs across seeds', () => {
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(createRng(123).seed).toBe(123);
    expect(draw(-1)).not.toEqual(draw(0xffffffff)); // negatives keep their sign bits
    expect(draw(2 ** 40)).not.toEqual(draw(0)); // high bits are not dropped
  });

  it('draws uniform floats and in-range integers', () => {
    const rng = createRng(1);
    let sum = 0;
    let outside = 0;
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
      counts[rng.int(5)]++;
    }
    expect(outside).toBe(0);
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
    for (const c of counts) expect(c).toBeGreaterThan(3_600);
  });

  it('shuffles into a permutation and draws normals', () => {
    const rng = createRng(3);
    const perm = Array.from(rng.permutation(100));
    expect(perm.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(perm).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 10_000; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / 10_000)).toBeLessThan(0.05);
    expect(sq / 10_000).toBeCloseTo(1, 1);
    expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
  });

  it('rejects non-integer seeds and bad bounds with a typed error', () => {
    expect(() => createRng(0.5)).toThrow(InvalidRngArgumentError);
    expect(() => createRng(1).int(0)).toThrow(/maxExclusive must be a positive integer, got 0/);
  });
});

describe('derive', () => {
  it('is deterministic and separates paths', () => {
    expect(derive(1, 'shuffle', 0)).toBe(derive(1, 'shuffle', 0));
    const seeds = new Set([
      derive(1),
      derive(1, 'shuffle', 0),
      derive(1, 'shuffle', 1),
      derive(1, 'augment', 0),
      derive(2, 'shuffle', 0),
      derive(1, 0, 'shuffle'),
    ]);
    expect(seeds.size).toBe(6);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
