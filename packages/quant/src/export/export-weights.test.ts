import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { createRng } from '@oqat/core';
import { normalArray } from '../test-support';
import { getFormat } from '../formats/registry';
import { FORMAT_NAMES } from '../formats/number-format';
import { Quantizer } from '../quantizer';
import { unpack } from '../packing/unpack-bits';
import { exportWeights } from './export-weights';

describe('integer export', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it.each(FORMAT_NAMES)('%s: exported codes decode to what the trained quantizer computes, and unpack to the codes', (format) => {
    const before = tf.memory().numTensors;
    const w = tf.tensor4d(normalArray(createRng(41), 3 * 3 * 4 * 6), [3, 3, 4, 6]);
    const q = new Quantizer({ bits: 8, signed: true, format, ...(format === 'abfp' ? {} : { channels: 8 }) });
    tf.dispose(q.quantize(w));
    q.setBits(3);
    const fake = q.quantize(w);
    const exported = exportWeights(w, q);
    expect(exported.shape).toEqual([3, 3, 4, 6]);
    expect(exported.bits).toBe(3);
    expect(exported.packed.length).toBe(Math.ceil((w.size * 3) / 8));
    expect(Array.from(unpack(exported.packed, 3, w.size, { signed: exported.codesSigned }))).toEqual(Array.from(exported.codes));
    const decoded = getFormat(format).decode(exported);
    const fd = fake.dataSync();
    for (let i = 0; i < w.size; i++) expect(decoded[i]).toBeCloseTo(fd[i]!, 5);
    tf.dispose([w, fake]);
    q.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a float quantizer', () => {
    const w = tf.zeros([2, 2]);
    const q = new Quantizer({ bits: 32, signed: true });
    expect(() => exportWeights(w, q)).toThrow('exportWeights: quantizer bits must be 2–8 (a float quantizer has no integer form), got 32');
    w.dispose();
  });
});
