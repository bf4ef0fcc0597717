import { describe, expect, it } from 'vitest';
import { esbGrid } from '../quantizers/esb-grid';
import { ddaSigma, esbDdaAlpha, esbDdaLambda, esbDistributionDifference, esbMagnitudeLevels } from './esb-dda';

describe('DDA (ESB distribution difference aligner)', () => {
  it('D(α) of the ternary grid {0, ±1} at α = 1 equals the hand-computed integral', () => {
    // ∫_0^.5 x²·2φ + ∫_.5^∞ (x−1)²·2φ with Φ(.5) = 0.691462461, φ(.5) = 0.352065327:
    // first cell 2·(Φ(.5) − .5 − .5·φ(.5)) = 0.030859594; second m2 − 2·m1 + m0 =
    // 2·(0.308537539 + .5·φ(.5)) − 2·2φ(.5) + 2·0.308537539 = 0.177954176.
    expect(esbDistributionDifference(1, [0, 1])).toBeCloseTo(0.20881377, 6);
    // α far beyond the data: everything rounds to 0, D = E[x²] = 1.
    expect(esbDistributionDifference(1e3, [0, 1])).toBeCloseTo(1, 6);
  });

  it("reproduces the authors' λ table (autoqnn esb.py alpha_list, in their units of the subnormal spacing)", () => {
    // Ternary: Max's optimal 3-level Gaussian quantizer, output ±1.2240σ.
    expect(esbDdaLambda(2, true).lambda).toBeCloseTo(1.224, 3);
    // (b, mantissa bits) -> their λ; our levels are theirs times 2^mantissa.
    expect(esbDdaLambda(3, true, 1).lambda).toBeCloseTo(0.5181, 3);
    expect(esbDdaLambda(4, true, 2).lambda * 2).toBeCloseTo(0.4871, 3);
    expect(esbDdaLambda(5, true, 3).lambda * 4).toBeCloseTo(0.4828, 3);
    expect(esbDdaLambda(6, true, 4).lambda * 8).toBeCloseTo(0.4997, 3);
    expect(esbDdaLambda(8, true, 5).lambda * 16).toBeCloseTo(0.0412, 3);
  });

  it('λ is a minimum of D; at 4 bits k = 2 aligns a Gaussian better than powers of two (k = 1) and the uniform grid (k = 3)', () => {
    const levels = esbMagnitudeLevels(esbGrid(4, true, 2));
    expect(levels).toEqual([0, 1, 2, 3, 4, 6, 8, 12]);
    const { lambda, difference } = esbDdaLambda(4, true, 2);
    expect(esbDistributionDifference(lambda * 1.02, levels)).toBeGreaterThan(difference);
    expect(esbDistributionDifference(lambda * 0.98, levels)).toBeGreaterThan(difference);
    const d = [1, 2, 3].map((k) => esbDdaLambda(4, true, k).difference);
    expect(d[0]!).toBeGreaterThan(d[1]!);
    expect(d[2]!).toBeGreaterThan(d[1]!);
  });

  it('σ: RMS for signed values, RMS of the positive ones for unsigned', () => {
    expect(ddaSigma([3, -4, 0, 0], true)).toBeCloseTo(Math.sqrt(25 / 4), 9);
    expect(ddaSigma([3, -4, 0, 4], false)).toBeCloseTo(Math.sqrt(25 / 2), 9);
    expect(ddaSigma([0, -1], false)).toBe(0);
  });

  it('alpha = λ·σ per channel, and 1 for an all-zero channel', () => {
    const x = [1, 0, -1, 0, 1, 0, -1, 0]; // channel 0: ±1 (σ 1), channel 1: zeros
    const alpha = esbDdaAlpha(x, 2, { bits: 3, signed: true, significantBits: 1 });
    expect(alpha[0]).toBeCloseTo(esbDdaLambda(3, true, 1).lambda, 6);
    expect(alpha[1]).toBe(1);
    const scaled = esbDdaAlpha(x.map((v) => 3 * v), 2, { bits: 3, signed: true, significantBits: 1 });
    expect(scaled[0]).toBeCloseTo(3 * alpha[0]!, 5);
  });

  it('unsigned grids align to the half-normal of the positive values', () => {
    // The unsigned 3-bit k=1 grid has magnitudes {0,1,2,4,8,16,32,64}; the signed 4-bit k=1 grid the same.
    expect(esbDdaLambda(3, false, 1).lambda).toBeCloseTo(esbDdaLambda(4, true, 1).lambda, 9);
    const x = [0, 0, 2, -5, 2];
    expect(esbDdaAlpha(x, 1, { bits: 3, signed: false, significantBits: 1 })[0]).toBeCloseTo(2 * esbDdaLambda(3, false, 1).lambda, 6);
  });
});
