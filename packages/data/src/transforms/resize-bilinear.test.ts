import { describe, expect, it } from 'vitest';
import { bilinearPlan, resizeBilinear } from './resize-bilinear';

describe('resizeBilinear', () => {
  it('is the identity at the same size', () => {
    const src = Float32Array.from({ length: 28 * 28 }, (_, i) => i % 251);
    expect(Array.from(resizeBilinear(src, bilinearPlan(28, 28, 28, 28), 1))).toEqual(Array.from(src));
  });

  it('keeps a constant image constant and stays within the source range (28 -> 32, 40)', () => {
    for (const side of [32, 40, 20]) {
      const plan = bilinearPlan(28, 28, side, side);
      const flat = resizeBilinear(new Uint8Array(28 * 28).fill(77), plan, 1);
      expect(flat.length).toBe(side * side);
      expect(flat.every((v) => Math.abs(v - 77) < 1e-4)).toBe(true);
      const ramp = resizeBilinear(Uint8Array.from({ length: 28 * 28 }, (_, i) => i % 28), plan, 1);
      expect(Math.min(...ramp)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...ramp)).toBeLessThanOrEqual(27);
    }
  });

  it('interpolates with half-pixel centres', () => {
    // 1x2 -> 1x4: output centres map to source x = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1).
    const out = resizeBilinear(new Float32Array([0, 100]), bilinearPlan(1, 2, 1, 4), 1);
    expect(Array.from(out)).toEqual([0, 25, 75, 100]);
  });

  it('handles channels and a source offset', () => {
    const src = new Float32Array([9, 9, 1, 2, 1, 2, 1, 2, 1, 2]); // 2 junk values, then 2x2x2
    const out = resizeBilinear(src, bilinearPlan(2, 2, 3, 3), 2, undefined, 2);
    for (let p = 0; p < 9; p++) expect([out[2 * p], out[2 * p + 1]]).toEqual([1, 2]);
  });
});
