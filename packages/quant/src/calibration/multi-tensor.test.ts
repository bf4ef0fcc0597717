import { describe, expect, it } from 'vitest';
import { createRng } from '@oqat/core';
import { normalArray } from '../test-support';
import { multiTensorApproximation, relativeSquaredError } from './multi-tensor';
import { poorlyApproximated } from './multi-tensor-criterion';

describe('multiTensorApproximation', () => {
  it('two 4-bit tensors reconstruct exactly a tensor built as q1 + q2/16, one cannot', () => {
    // x = q1 + q2/16 with q1 in -7..7 and |q2| <= 7: min-max puts the step of term 1 at max|x|/7 = 1 (x[0] = 7),
    // round(x) = q1 since |q2/16| < 1/2, and the residual q2/16 has max 7/16: term 2's step is 1/16, exact.
    const q1 = [7, -3, 0, 5, -7, 2, 1, -1];
    const q2 = [0, 5, -7, 3, 6, -2, 7, -4];
    const x = Float32Array.from(q1, (a, i) => a + q2[i]! / 16);
    const one = multiTensorApproximation(x, { bits: 4, signed: true, terms: 1, method: 'min-max' });
    const two = multiTensorApproximation(x, { bits: 4, signed: true, terms: 2, method: 'min-max' });
    expect(Array.from(one.terms[0]!.codes)).toEqual(q1);
    expect(one.relativeErrors[0]).toBeGreaterThan(1e-3);
    expect(two.terms[1]!.params.scales[0]).toBeCloseTo(1 / 16, 7);
    expect(Array.from(two.terms[1]!.codes)).toEqual(q2);
    expect(Array.from(two.values)).toEqual(Array.from(x));
    expect(two.relativeErrors).toEqual([one.relativeErrors[0], 0]);
  });

  it('per channel: each term has one scale per channel, and the channels reconstruct exactly', () => {
    // shape [4, 2]: channel 0 = q1 + q2/16 at scale 1, channel 1 the same times 100.
    const c0 = [7, -3.25, 0.4375, -6.875]; // residuals 0, -4/16, 7/16, 2/16
    const x = Float32Array.from(c0.flatMap((v) => [v, 100 * v]));
    const two = multiTensorApproximation(x, { bits: 4, signed: true, channels: 2, terms: 2, method: 'min-max' });
    expect(Array.from(two.terms[0]!.params.scales)).toEqual([1, 100]);
    expect(two.relativeErrors[1]).toBeLessThan(1e-12);
  });

  it('with MSE-optimal ranges, each term lowers the error of a Gaussian tensor, the second more than ten times', () => {
    const x = normalArray(createRng(5), 4096);
    const r = multiTensorApproximation(x, { bits: 4, signed: true, terms: 3 });
    expect(r.relativeErrors[1]!).toBeLessThan(r.relativeErrors[0]! / 10);
    expect(r.relativeErrors[2]!).toBeLessThan(r.relativeErrors[1]!);
    expect(relativeSquaredError(x, r.values)).toBeCloseTo(r.relativeErrors[2]!, 12);
    // 4-bit MMSE of a unit Gaussian: relative error about 1 % (SQNR ~20 dB).
    expect(r.relativeErrors[0]!).toBeGreaterThan(0.005);
    expect(r.relativeErrors[0]!).toBeLessThan(0.02);
  });

  it('refuses a bad number of terms in one line', () => {
    expect(() => multiTensorApproximation([1], { bits: 4, signed: true, terms: 0 })).toThrow('multiTensorApproximation: terms must be a whole number from 1 to 8, got 0');
  });
});

describe('poorlyApproximated (the criterion)', () => {
  it('picks the tensors whose relative error is over factor × the median, whatever their scale', () => {
    const rng = createRng(9);
    const gaussian = normalArray(rng, 2000);
    const scaled = Float32Array.from(gaussian, (v) => v * 1000);
    const outlier = Float32Array.from(normalArray(rng, 2000), (v, i) => (i === 7 ? 60 : v)); // one weight at 60 sigma
    const fits = Object.entries({ gaussian, scaled, outlier, other: normalArray(rng, 2000) }).map(([name, w]) => ({
      name, relativeError: multiTensorApproximation(w, { bits: 4, signed: true, terms: 1 }).relativeErrors[0]!,
    }));
    expect(poorlyApproximated(fits, 2)).toEqual(['outlier']);
    expect(poorlyApproximated(fits, 1e6)).toEqual([]);
    expect(poorlyApproximated([], 2)).toEqual([]);
    expect(() => poorlyApproximated(fits, 0.5)).toThrow('poorlyApproximated: factor must be a finite number ≥ 1, got 0.5');
  });

  it('the median of an even count is the mean of the middle two', () => {
    const fits = [1, 2, 4, 100].map((e, i) => ({ name: `t${i}`, relativeError: e }));
    // median 3: 2 × 3 = 6 -> only t3
    expect(poorlyApproximated(fits, 2)).toEqual(['t3']);
    expect(poorlyApproximated(fits, 1)).toEqual(['t2', 't3']);
  });
});
