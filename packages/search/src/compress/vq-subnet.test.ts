import { initEngine, tf } from '@oqat/engine';
import type { ImageDataset } from '@oqat/data';
import { decodeVq, vqBytes, type VqTensor } from '@oqat/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressAbortedError } from '../errors';
import { TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '../supernet/tiny-export.fixture';
import { compressSubject, type CompressSubject } from './compress-subject';
import { withCompressedWeights } from './compressed-subnet';
import { compressVq } from './vq-subnet';

/** Random 10x10 grey images; reading a label throws (VQ must use the images only). */
function images(count: number, seed: number): ImageDataset {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pixels = Uint8Array.from({ length: count * 100 }, () => Math.floor(next() * 256));
  return { images: pixels, labels: Uint8Array.from({ length: count }, (_, i) => i % 3), count, height: 10, width: 10, channels: 1, classNames: ['a', 'b', 'c'] };
}

function withoutLabels(d: ImageDataset): ImageDataset {
  const { images: px, count, height, width, channels, classNames } = d;
  return {
    images: px, count, height, width, channels, classNames,
    get labels(): Uint8Array {
      throw new Error('VQ read a label');
    },
  };
}

const FAST = { calibrationImages: 16, iterations: 10, finetuneBatch: 8 };

describe('compressVq', () => {
  let f: TinyExportFixture;
  let subject: CompressSubject;

  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    f = tinyExportFixture(5);
    subject = compressSubject(f.net, TINY_SPECS.float!, { train: images(40, 3), normalization: { mean: 0.5, std: 0.25 }, bn: f.bn, seed: 7 });
    subject.train = withoutLabels(subject.train);
  });
  afterAll(() => {
    subject.float.dispose();
    f.dispose();
  });

  it('compresses every layer but the stem layer by layer, one-byte indices, a report per layer, never reading a label', async () => {
    const messages: string[] = [];
    const result = await compressVq({ ...subject, onProgress: (_, m) => messages.push(m) }, { ...FAST, finetuneSteps: 0, subVectorsPerCodeword: 1 });
    const names = subject.layers.map((l) => l.name);
    const compressed = Object.keys(result.layers);
    expect(result.report.skipped.map((s) => s.name)).toContain('stem');
    expect([...compressed, ...result.report.skipped.map((s) => s.name)].sort()).toEqual([...names].sort());
    expect(compressed.length).toBeGreaterThan(names.length / 2);
    // in forward order, as the progress says
    expect(messages.filter((m) => m.startsWith('vq ')).map((m) => m.split(' ')[1])).toEqual(names.filter((n) => compressed.includes(n)));
    for (const r of result.report.layers) {
      const t = result.layers[r.name] as VqTensor;
      expect(t.indices).toBeInstanceOf(Uint8Array);
      expect(r.bytes).toBe(vqBytes(t));
      expect(r.error).toBeGreaterThanOrEqual(0);
      expect(r.error).toBeLessThan(1);
      expect(decodeVq(t)).toHaveLength(subject.weights.get(r.name)!.length);
    }
    expect(result.finetune).toBe('no codeword finetuning; BN statistics re-estimated on 16 unlabelled training images');
    const bnKeys = Object.keys(result.floatWeights ?? {});
    expect(bnKeys).toContain('stem.bn.runningMean');
    expect(bnKeys.every((k) => /\.bn\.running(Mean|Var)$/.test(k))).toBe(true);
  });

  it('keeps the logits with fine codebooks: the 1x1 convs and linear layers at d = 1 with 64 to 256 codewords (scalar codes fitted to the outputs)', async () => {
    const result = await compressVq(subject, { ...FAST, pointwiseBlockSize: 1, kernelsPerBlock: 1, subVectorsPerCodeword: 1, finetuneSteps: 0, iterations: 30, reestimateBn: false });
    const x = tf.randomNormal([4, 10, 10, 1], 0, 1, 'float32', 3);
    const fine = result.report.layers.filter((r) => r.detail?.['blockSize'] === 1 && Number(r.detail['codewords']) >= 64).map((r) => r.name);
    expect(fine.length).toBeGreaterThan(6);
    const net = withCompressedWeights(subject.float, Object.fromEntries(fine.map((n) => [n, result.layers[n]!])));
    try {
      const [a, b] = [subject.float.predict(x), net.predict(x)];
      const scale = tf.max(tf.abs(a)).dataSync()[0]!;
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / scale).toBeLessThan(0.15); // a misplaced weight would move them by ~100 %
      for (const r of result.report.layers) if (fine.includes(r.name)) expect(r.error).toBeLessThan(0.02);
    } finally {
      net.dispose();
      x.dispose();
    }
  });

  it('finetunes the codewords only (assignments fixed) by distillation from the float subnet, and says so', async () => {
    const before = await compressVq(subject, { ...FAST, finetuneSteps: 0 });
    const after = await compressVq(subject, { ...FAST, finetuneSteps: 3 });
    let moved = 0;
    for (const [name, t] of Object.entries(after.layers) as Array<[string, VqTensor]>) {
      const b = before.layers[name] as VqTensor;
      expect(t.indices).toEqual(b.indices);
      if (t.codebook.some((v, i) => v !== b.codebook[i])) moved++;
    }
    expect(moved).toBeGreaterThan(0);
    expect(after.finetune).toMatch(/distilled from the uncompressed float subnet.*no labels/);
  });

  it('stops with CompressAbortedError when its run is cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(compressVq({ ...subject, signal: abort.signal }, FAST)).rejects.toThrow(CompressAbortedError);
  });
});
