import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { inherit } from '../inherit';
import { Quantizer } from '../quantizer';
import { roundToPow2 } from '../quantizers/pow2-step';
import { normalArray } from '../test-support';
import { decodeUniform } from '../uniform-codec';
import { pow2Format } from './pow2';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

/** The distinct non-zero magnitudes of fake-quantized values, divided by a step: integers if they lie on its grid. */
function codesOn(values: Float32Array, step: number): number[] {
  return Array.from(values, (v) => v / step);
}

describe('pow2: power-of-two steps', () => {
  it('inherits 4 -> 3 -> 2: the step used doubles per bit and stays a power of two, the negative clip kept', () => {
    const x = tf.tensor1d(normalArray(createRng(5), 400, 0.3));
    const q = new Quantizer({ bits: 4, signed: true, format: 'pow2' });
    tf.dispose(q.quantize(x)); // the 4-bit step from data
    // A learned step between powers: the forward pass uses 2^round(log2 s).
    q.setStep(4, Float32Array.of(0.07));
    const used: number[] = [];
    for (const [from, to] of [[4, 4], [4, 3], [3, 2]] as const) {
      if (from !== to) inherit(q, from, to);
      const s = roundToPow2(q.stepValues(to)[0]!);
      used.push(s);
      expect(Number.isInteger(Math.log2(s))).toBe(true);
      const y = tf.tidy(() => q.quantize(x).dataSync() as Float32Array);
      const codes = codesOn(y, s);
      for (const c of codes) expect(Math.abs(c - Math.round(c))).toBeLessThan(1e-5);
      // signed b-bit codes: the most negative value is -2^(b-1)·s, the same real clip at every width
      expect(Math.min(...codes.map(Math.round))).toBe(-(2 ** (to - 1)));
      expect(Math.min(...y)).toBeCloseTo(-0.0625 * 8, 6);
    }
    expect(used).toEqual([0.0625, 0.125, 0.25]);
    x.dispose();
    q.dispose();
  });

  it('exports as a uniform grid: codes times a power-of-two scale decode to the fake-quantized values', () => {
    const values = normalArray(createRng(8), 64, 0.2);
    const q = new Quantizer({ bits: 3, signed: true, format: 'pow2', channels: 4 });
    const x = tf.tensor2d(values, [16, 4]);
    tf.dispose(q.quantize(x));
    const fake = tf.tidy(() => q.quantize(x).dataSync() as Float32Array);
    const encoded = pow2Format.encode(values, { bits: 3, signed: true, channels: 4, scales: q.stepValues(3) });
    for (const s of encoded.scales) expect(Number.isInteger(Math.log2(s))).toBe(true);
    for (const c of encoded.codes) expect(c >= -4 && c <= 3).toBe(true);
    const back = decodeUniform(encoded.codes, { bits: 3, signed: true, asymmetric: false, channels: 4, scales: encoded.scales });
    back.forEach((v, i) => expect(v).toBeCloseTo(fake[i]!, 6));
    x.dispose();
    q.dispose();
  });

  // The table's pow2 run diverged at 2 bit (gradient norm 2e5, NaN): its 4-bit steps started from LSQ's heuristic
  // 2·mean|x|/sqrt(Qp) rounded to an octave, ~2.5x the MSE step, and the inherited 2-bit grid zeroed whole output
  // channels, whose batch norm over a constant then scales the gradient by 1/sqrt(eps).
  it("starts at the power of two of least squared error when asked ('mse'), as the uniform grid does", () => {
    const values = normalArray(createRng(11), 512, 0.3);
    const q = new Quantizer({ bits: 4, signed: true, format: 'pow2', stepInit: 'mse' });
    const x = tf.tensor1d(values);
    tf.dispose(q.quantize(x));
    const sq = (s: number): number => values.reduce((a, v) => a + (v - Math.min(7, Math.max(-8, Math.round(v / s))) * s) ** 2, 0);
    const candidates = Array.from({ length: 16 }, (_, i) => 2 ** (i - 12));
    const best = candidates.reduce((a, s) => (sq(s) < sq(a) ? s : a));
    expect(q.stepValues(4)[0]).toBe(best);
    expect(best).toBe(0.125);
    x.dispose();
    q.dispose();
  });

  it('inherited from an mse start, the 2-bit grid keeps every output channel of a Gaussian layer non-zero', () => {
    // [16 inputs, 32 outputs], one step per tensor: the table's stages.0.0.expand had 6 of 32 channels all zero.
    const w = tf.tensor2d(normalArray(createRng(3), 16 * 32, 0.3), [16, 32]);
    const q = new Quantizer({ bits: 4, signed: true, format: 'pow2', stepInit: 'mse' });
    tf.dispose(q.quantize(w));
    inherit(q, 4, 2);
    const dead = tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.any(tf.notEqual(q.quantize(w), 0), 0)), 'int32')).dataSync()[0]);
    expect(dead).toBe(0);
    w.dispose();
    q.dispose();
  });
});
