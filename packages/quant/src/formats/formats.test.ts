import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { createRng } from '@oqat/core';
import { normalArray } from '../test-support';
import { esbGrid } from '../quantizers/esb-grid';
import { FORMAT_NAMES } from './number-format';
import { getFormat } from './registry';
import { reconstructionError } from './reconstruction-error';

describe.each(['cpu', 'wasm'] as const)('number formats on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it.each(FORMAT_NAMES.flatMap((f) => [2, 3, 4, 8].map((b) => [f, b] as const)))(
    '%s at %i bits: host decode(encode(x)) equals the tensor fake quantizer with the same step',
    (name, bits) => {
      const before = tf.memory().numTensors;
      const format = getFormat(name);
      const xs = normalArray(createRng(bits), 300);
      const encoded = format.encode(xs, { bits, signed: true });
      const decoded = format.decode(encoded);
      expect(encoded.codes.every((c) => (encoded.codesSigned ? c >= -(2 ** (bits - 1)) && c < 2 ** (bits - 1) : c >= 0 && c < 2 ** bits))).toBe(true);
      const spec = { bits, signed: true, significantBits: encoded.significantBits };
      const y = tf.tidy(() => format.fakeQuantize(tf.tensor1d(xs), tf.scalar(encoded.scales[0]!), spec));
      const yd = y.dataSync();
      for (let i = 0; i < xs.length; i++) expect(yd[i]).toBeCloseTo(decoded[i]!, 5);
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('straight-through gradient for x in the esb and abfp quantizers: 1 inside the range, 0 outside', () => {
    const before = tf.memory().numTensors;
    const xs = Float32Array.from([-100, -0.3, 0, 0.2, 0.9, 100, 2.5, -1.7]);
    for (const name of ['esb', 'abfp'] as const) {
      const format = getFormat(name);
      const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(format.fakeQuantize(x, tf.scalar(0.25), { bits: 4, signed: true, blockSize: 4 })))(tf.tensor1d(xs)));
      const got = Array.from(g.dataSync());
      if (name === 'esb') {
        const max = esbGrid(4, true).maxLevel * 0.25; // k = 2 -> maxLevel 12 -> 3
        expect(got).toEqual(Array.from(xs, (v) => (Math.abs(v) <= max ? 1 : 0)));
      } else {
        // block 1 holds 100 (its exponent covers it); in block 2, 100 sets the exponent and the step factor 0.25 clips it.
        expect(got).toEqual([0, 1, 1, 1, 1, 0, 1, 1]);
      }
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('format specifics', () => {
  it('esb with k = magnitude bits is the uniform grid, with k = 1 powers of two', () => {
    const levels = (k: number) => {
      const xs = Float32Array.from({ length: 200 }, (_, i) => (i - 100) / 4);
      const e = getFormat('esb').encode(xs, { bits: 4, signed: true, significantBits: k, scales: Float32Array.of(1) });
      return [...new Set(getFormat('esb').decode(e))].filter((v) => v >= 0).sort((a, b) => a - b);
    };
    expect(levels(3)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(levels(2)).toEqual([0, 1, 2, 3, 4, 6, 8, 12]);
    expect(levels(1)).toEqual([0, 1, 2, 4, 8, 16, 32]); // 64 is the top level, beyond the data
  });

  it('power-of-two steps, abfp exponents per block, and error falling with bits', () => {
    const xs = normalArray(createRng(5), 4096);
    for (const name of FORMAT_NAMES) {
      const errs = [2, 3, 4, 8].map((bits) => reconstructionError(xs, { format: name, bits, signed: true }).mse);
      for (let i = 1; i < errs.length; i++) expect(errs[i]).toBeLessThan(errs[i - 1]!);
      expect(errs[3]).toBeLessThan(1e-3);
    }
    const p2 = reconstructionError(xs, { format: 'pow2', bits: 4, signed: true });
    expect(Number.isInteger(Math.log2(p2.encoded.scales[0]!))).toBe(true);
    const ab = reconstructionError(xs, { format: 'abfp', bits: 4, signed: true, blockSize: 32 });
    expect(ab.encoded.exponents!.length).toBe(4096 / 32);
    expect(() => reconstructionError(xs, { format: 'fp8', bits: 4, signed: true })).toThrow("quant: format must be uniform, pow2, esb, abfp, got fp8");
  });
});
