import { describe, expect, it } from 'vitest';
import { createRng } from '@oqat/core';
import { normalArray } from '../test-support';
import { decodeUniform, encodeUniform } from '../uniform-codec';
import { meanSquaredError } from '../formats/reconstruction-error';
import { calibrate } from './calibrate';

const mseOf = (xs: Float32Array, p: ReturnType<typeof calibrate>) => meanSquaredError(xs, decodeUniform(encodeUniform(xs, p), p));

describe('calibrate', () => {
  it('min-max maps the largest magnitude to the top code and clips nothing', () => {
    const xs = Float32Array.from([-3, -1, 0, 0.5, 2]);
    const p = calibrate(xs, { method: 'min-max', bits: 4, signed: true });
    expect(p.scales[0]).toBeCloseTo(3 / 7, 7);
    expect(Array.from(encodeUniform(xs, p))).toEqual([-7, -2, 0, 1, 5]);
    const u = calibrate(Float32Array.from([0, 1, 3]), { method: 'min-max', bits: 2, signed: false });
    expect(u.scales[0]).toBeCloseTo(1, 7);
  });

  it('asymmetric min-max has a zero point and represents 0 exactly', () => {
    const xs = Float32Array.from([-1, 0, 2, 3]);
    const p = calibrate(xs, { method: 'min-max', bits: 8, signed: false, asymmetric: true });
    expect(p.scales[0]).toBeCloseTo(4 / 255, 7);
    expect(p.zeroPoints![0]).toBe(64);
    const codes = encodeUniform(xs, p);
    expect(codes[1]).toBe(64);
    expect(decodeUniform(codes, p)[1]).toBe(0);
    expect(Math.min(...codes)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...codes)).toBeLessThanOrEqual(255);
  });

  it('per channel: one scale per channel of the last axis', () => {
    // shape [3, 2]: channel 0 holds small values, channel 1 large ones.
    const xs = Float32Array.from([0.1, 10, -0.2, -20, 0.3, 5]);
    const p = calibrate(xs, { method: 'min-max', bits: 8, signed: true, channels: 2 });
    expect(Array.from(p.scales).map((s) => +s.toFixed(6))).toEqual([+(0.3 / 127).toFixed(6), +(20 / 127).toFixed(6)]);
    expect(() => calibrate(xs, { method: 'min-max', bits: 8, signed: true, channels: 4 })).toThrow(
      'calibrate: channels must be a positive divisor of the element count 6, got 4',
    );
  });

  it('percentile clips outliers; MSE-optimal clipping beats min-max and percentile', () => {
    const xs = normalArray(createRng(31), 20000);
    xs[0] = 40; // one outlier
    const mm = calibrate(xs, { method: 'min-max', bits: 4, signed: true });
    const pc = calibrate(xs, { method: 'percentile', bits: 4, signed: true, percentile: 99.9 });
    const mse = calibrate(xs, { method: 'mse', bits: 4, signed: true });
    expect(pc.scales[0]).toBeLessThan(mm.scales[0]! / 5);
    expect(mseOf(xs, mse)).toBeLessThan(mseOf(xs, mm));
    expect(mseOf(xs, mse)).toBeLessThanOrEqual(mseOf(xs, pc));
    // The 4-bit MMSE step of a unit Gaussian is about 0.3 (clip ~2.1-2.7 sigma).
    expect(mse.scales[0]).toBeGreaterThan(0.25);
    expect(mse.scales[0]).toBeLessThan(0.42);
  });

  it('lsq-init is 2·mean|x|/sqrt(Qp) and rejects asymmetric; bad options have clear messages', () => {
    const xs = Float32Array.from([1, -1, 2, -2]);
    expect(calibrate(xs, { method: 'lsq-init', bits: 3, signed: true }).scales[0]).toBeCloseTo((2 * 1.5) / Math.sqrt(3), 6);
    expect(() => calibrate(xs, { method: 'lsq-init', bits: 3, signed: true, asymmetric: true })).toThrow(/asymmetric must be false/);
    expect(() => calibrate(xs, { method: 'kl' as never, bits: 3, signed: true })).toThrow(
      'calibrate: method must be min-max, percentile, mse, lsq-init, got kl',
    );
    expect(() => calibrate(xs, { method: 'percentile', bits: 3, signed: true, percentile: 30 })).toThrow('percentile must be in (50, 100], got 30');
  });
});
