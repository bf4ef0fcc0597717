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
});
