import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import type { ImageDataset } from '@oqat/data';
import { compressedBytes, toFloat16Bits, type AlqTensor, type VqTensor } from '@oqat/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticTop1, staticWeightBytes } from '../ptq/post-training-quantize';
import { TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '../supernet/tiny-export.fixture';
import { compressSubject, type CompressSubject } from './compress-subject';
import { compressedModelBytes, withCompressedWeights } from './compressed-subnet';

/** 40 random 10x10 grey images with labels 0..2. */
function images(count: number, seed: number): ImageDataset {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return {
    images: Uint8Array.from({ length: count * 100 }, () => Math.floor(next() * 256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count, height: 10, width: 10, channels: 1, classNames: ['a', 'b', 'c'],
  };
}

/** An ALQ tensor of one base per group of 4 whose signs are all +1: every weight decodes to `alpha`. */
function constantAlq(shape: number[], alpha: number): AlqTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const groups = Math.ceil(n / 4);
  return {
    method: 'alq', shape, order: shape.map((_, i) => i), groupSize: 4,
    bases: new Uint8Array(groups).fill(1), coefficients: new Float32Array(groups).fill(alpha), signs: new Uint8Array(groups).fill(0x0f),
  };
}

describe('a float subnet with compressed layers', () => {
  let f: TinyExportFixture;
  let subject: CompressSubject;
  const train = images(40, 1);

  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    f = tinyExportFixture(5);
    subject = compressSubject(f.net, TINY_SPECS.float!, { train, normalization: { mean: 0.5, std: 0.25 }, bn: f.bn, seed: 7 });
  });
  afterAll(() => {
    subject.float.dispose();
    f.dispose();
  });

  it('the subject: the float subnet, its layers and host weights, the training split less a held-out tenth', () => {
    expect(() => compressSubject(f.net, TINY_SPECS.large4!, { train, normalization: { mean: 0, std: 1 }, bn: f.bn, seed: 1 })).toThrow('subnet: bits must be 32 for compression');
    expect(subject.layers.map((l) => l.name)).toContain('blocks.0.dw');
    expect(subject.weights.get('head.classifier')).toHaveLength(subject.layers.find((l) => l.name === 'head.classifier')!.layer.weight.size);
    expect([subject.train.count, subject.validation.count]).toEqual([36, 4]);
    expect(subject.validation.labels).toEqual(train.labels.subarray(36));
    expect(subject.rng.next()).toBe(createRng(7).next());
  });

  it('computes with the decoded weights of the named layers and leaves every other tensor and the float net alone', () => {
    const dw = subject.layers.find((l) => l.name === 'blocks.0.dw')!;
    const shape = [...dw.layer.weight.shape];
    const net = withCompressedWeights(subject.float, { 'blocks.0.dw': constantAlq(shape, 0.125) });
    try {
      const after = net.weights();
      const before = subject.float.weights();
      const key = `${dw.layer.name}.weight`;
      expect([...after.get(key)!.dataSync()].every((v) => v === 0.125)).toBe(true);
      expect([...before.get(key)!.dataSync()]).toEqual([...subject.weights.get('blocks.0.dw')!]);
      for (const [k, t] of before) if (k !== key) expect([...after.get(k)!.dataSync()]).toEqual([...t.dataSync()]);
      const x = tf.tidy(() => Float32Array.from(net.forward(f.images).dataSync()));
      const y = tf.tidy(() => Float32Array.from(subject.float.forward(f.images).dataSync()));
      expect(x.some((v, i) => Math.abs(v - y[i]!) > 1e-4)).toBe(true);
    } finally {
      net.dispose();
    }
  });

  it('a VQ layer whose codebook holds its own sub-vectors computes the float logits; top-1 equals the float net', () => {
    const cls = subject.layers.find((l) => l.name === 'head.classifier')!;
    const [inF, outF] = cls.layer.weight.shape as [number, number];
    const w = subject.weights.get('head.classifier')!;
    // d = inF: one sub-vector per output, codeword o = row o (rounded to float16).
    const codebook = new Uint16Array(outF * inF);
    for (let o = 0; o < outF; o++) for (let i = 0; i < inF; i++) codebook[o * inF + i] = toFloat16Bits(w[i * outF + o]!);
    const vq: VqTensor = { method: 'vq', shape: [inF, outF], blockSize: inF, codewords: outF, codebook, indices: Uint8Array.from({ length: outF }, (_, o) => o) };
    const net = withCompressedWeights(subject.float, { 'head.classifier': vq });
    try {
      const x = tf.tidy(() => Float32Array.from(net.forward(f.images).dataSync()));
      const y = tf.tidy(() => Float32Array.from(subject.float.forward(f.images).dataSync()));
      expect(Math.max(...x.map((v, i) => Math.abs(v - y[i]!)))).toBeLessThan(1e-2);
      expect(staticTop1(net, train, subject.normalization)).toBeCloseTo(staticTop1(subject.float, train, subject.normalization), 6);
      // bytes: the classifier's indices and float16 codebook, every other layer at float32
      expect(compressedModelBytes(net, { 'head.classifier': vq })).toBe(staticWeightBytes(subject.float) - 4 * w.length + outF + 2 * outF * inF);
      expect(compressedBytes(vq)).toBe(outF + 2 * outF * inF);
    } finally {
      net.dispose();
    }
  });

  it('refuses layers the subnet does not have, or of another shape, in one line', () => {
    expect(() => withCompressedWeights(subject.float, { 'blocks.9.dw': constantAlq([3, 3, 4, 1], 1) })).toThrow(/compressed layer blocks\.9\.dw: is not a conv or linear layer of the subnet/);
    expect(() => withCompressedWeights(subject.float, { 'blocks.0.dw': constantAlq([1, 2], 1) })).toThrow(/compressed layer blocks\.0\.dw: has shape \[1, 2\], the subnet's weight \[/);
    expect(() => withCompressedWeights(subject.float, {}, { 'nope.weight': new Float32Array(1) })).toThrow('compressed layer nope.weight: is not a tensor of the subnet');
  });
});
