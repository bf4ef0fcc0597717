import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { createRng } from '@oqat/core';
import { normalArray } from '../test-support';
import { inherit } from '../inherit';
import { Quantizer } from '../quantizer';
import { esbDefaultSignificantBits, esbGrid, esbNearestLevel } from '../quantizers/esb-grid';
import { esbLevels } from '../quantizers/esb-quantize';
import { esbDdaLambda } from '../calibration/esb-dda';
import { getFormat } from './registry';

describe('esb format', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('defaults to two exponent bits and caps k at the magnitude bits', () => {
    expect([2, 3, 4, 8].map((b) => esbDefaultSignificantBits(b, true))).toEqual([1, 1, 2, 6]);
    expect([2, 3, 4].map((b) => esbDefaultSignificantBits(b, false))).toEqual([1, 2, 3]);
    // k = 2 at 3 bits signed: two magnitude bits hold at most two significant bits, the uniform 0..3.
    expect(esbGrid(3, true, 2)).toMatchObject({ significantBits: 2, maxLevel: 3 });
    expect(esbGrid(2, true, 2)).toMatchObject({ significantBits: 1, maxLevel: 1 });
    expect(() => esbGrid(4, true, 0)).toThrow('esb: significantBits must be an integer 1–8');
  });

  it('the tensor levels (comparison sums, or log2 for many exponents) equal the host nearest levels, ties and powers of two included', () => {
    for (const [bits, signed, k] of [[4, true, 2], [4, true, 1], [3, true, 1], [4, false, 3], [5, true, 3], [8, true, 1], [8, true, 6]] as const) {
      const g = esbGrid(bits, signed, k);
      const top = Math.min(g.maxLevel, 4096) + 3;
      const xs = Array.from({ length: 8 * top + 1 }, (_, i) => i / 4 - top);
      const v = tf.tensor1d(xs);
      const got = esbLevels(v, g);
      const want = xs.map((x) => {
        const m = signed ? Math.abs(x) : Math.max(x, 0);
        const l = esbNearestLevel(m, g);
        return signed && x < 0 ? -l : l;
      });
      expect(Array.from(got.dataSync(), (y) => y + 0)).toEqual(want.map((y) => y + 0));
      tf.dispose([v, got]);
    }
  });

  it('initialises a step by DDA: λ(b, k)·RMS', () => {
    const xs = normalArray(createRng(5), 256).map((v) => 0.1 * v);
    const rms = Math.sqrt(xs.reduce((a, v) => a + v * v, 0) / xs.length);
    const q = new Quantizer({ bits: 4, signed: true, format: 'esb', significantBits: 2 });
    const x = tf.tensor1d(xs);
    tf.dispose(q.quantize(x));
    expect(q.stepValues(4)[0]).toBeCloseTo(esbDdaLambda(4, true, 2).lambda * rms, 5);
    q.dispose();
    x.dispose();
  });

  it("inherits 4 -> 3 -> 2 bit with one k (capped per width) and with the default k: alpha/λ(b, k) (DDA's σ) is kept", () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(normalArray(createRng(23), 128));
    for (const significantBits of [2, undefined]) {
      const q = new Quantizer({ bits: 4, signed: true, format: 'esb', ...(significantBits ? { significantBits } : {}) });
      tf.dispose(q.quantize(x));
      inherit(q, 4, 3);
      inherit(q, 3, 2);
      const sigma = (b: number): number => q.stepValues(b)[0]! / esbDdaLambda(b, true, significantBits).lambda;
      expect(sigma(3)).toBeCloseTo(sigma(4), 5);
      expect(sigma(2)).toBeCloseTo(sigma(4), 5);
      // The 2-bit network runs (ternary grid): every value is 0 or ±alpha.
      const y = q.quantize(x);
      const alpha = q.stepValues(2)[0]!;
      expect(new Set(Array.from(y.dataSync(), (v) => Math.round(Math.abs(v) / alpha)))).toEqual(new Set([0, 1]));
      y.dispose();
      q.dispose();
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('encodes without scales at DDA alphas and round-trips its codes', () => {
    const xs = normalArray(createRng(6), 64);
    const e = getFormat('esb').encode(xs, { bits: 4, signed: true, significantBits: 2 });
    const rms = Math.sqrt(xs.reduce((a, v) => a + v * v, 0) / xs.length);
    expect(e.scales[0]).toBeCloseTo(esbDdaLambda(4, true, 2).lambda * rms, 5);
    const again = getFormat('esb').encode(getFormat('esb').decode(e), { bits: 4, signed: true, significantBits: 2, scales: e.scales });
    expect(Array.from(again.codes)).toEqual(Array.from(e.codes));
  });
});
