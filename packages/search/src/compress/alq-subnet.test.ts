import { floatBatches, type ImageDataset } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { alqAverageBits, alqBytes, decodeAlq, type AlqTensor } from '@oqat/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressAbortedError } from '../errors';
import { labelLoss } from '../losses';
import { TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '../supernet/tiny-export.fixture';
import { ALQ_DEFAULTS, compressAlq, type AlqSettings } from './alq-subnet';
import { compressSubject, type CompressSubject } from './compress-subject';
import { withCompressedWeights } from './compressed-subnet';

/** `count` random 10x10 grey images whose label is which third of the image is brightest (learnable). */
function images(count: number, seed: number): ImageDataset {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pixels = new Uint8Array(count * 100);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let p = 0; p < 100; p++) pixels[i * 100 + p] = Math.floor(next() * 128) + (Math.floor((p % 10) / 3.34) === labels[i] ? 127 : 0);
  }
  return { images: pixels, labels, count, height: 10, width: 10, channels: 1, classNames: ['a', 'b', 'c'] };
}

describe('ALQ of a float subnet (compressAlq)', () => {
  let f: TinyExportFixture;
  let subject: CompressSubject;
  const quick: Partial<AlqSettings> = { maxBases: 2, basisSteps: 3, coordinateSteps: 2, pruneSteps: 2, batchSize: 16, lr: 0.01 };

  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    f = tinyExportFixture(5);
    subject = compressSubject(f.net, TINY_SPECS.float!, { train: images(60, 3), normalization: { mean: 0.5, std: 0.25 }, bn: f.bn, seed: 7 });
  });
  afterAll(() => {
    subject.float.dispose();
    f.dispose();
  });

  /** Mean training loss of the compressed subnet (its BN/bias updates applied). */
  const trainLoss = (r: Awaited<ReturnType<typeof compressAlq>>) => {
    const net = withCompressedWeights(subject.float, r.layers, r.floatWeights);
    try {
      const b = floatBatches(subject.train, { batchSize: subject.train.count, seed: 0, shuffle: false, normalize: subject.normalization }).next().value!;
      return tf.tidy(() => labelLoss(net.forward(tf.tensor4d(b.images, [b.size, 10, 10, 1])), tf.tensor1d(b.labels, 'int32'), 0).dataSync()[0]!);
    } finally {
      net.dispose();
    }
  };

  it('compresses every conv and linear layer in the paper\'s groups and prunes to the average-bit target', async () => {
    const fractions: number[] = [];
    const r = await compressAlq({ ...subject, onProgress: (x) => fractions.push(x) }, { ...quick, averageBits: 1.5 });
    const tensors = Object.values(r.layers) as AlqTensor[];
    expect(Object.keys(r.layers).sort()).toEqual(subject.layers.map((l) => l.name).sort());
    const weights = tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
    const bits = tensors.reduce((a, t) => a + alqAverageBits(t) * t.shape.reduce((x, y) => x * y, 1), 0) / weights;
    const largestGroup = Math.max(...tensors.map((t) => t.groupSize));
    expect(bits).toBeLessThanOrEqual(1.5);
    expect(bits).toBeGreaterThan(1.5 - largestGroup / weights);
    const dw = r.report.layers.find((l) => l.name === 'blocks.0.dw')!;
    expect(dw.detail).toMatchObject({ structure: 'kernelwise', groupSize: 9 });
    expect(r.report.layers.find((l) => l.name === 'head.classifier')!.detail).toMatchObject({ structure: 'subchannelwise' });
    for (const l of r.report.layers) expect(l.bytes).toBe(alqBytes(r.layers[l.name] as AlqTensor));
    expect(decodeAlq(r.layers['blocks.0.dw'] as AlqTensor)).toHaveLength(subject.weights.get('blocks.0.dw')!.length);
    expect(Object.keys(r.floatWeights ?? {}).some((k) => k.endsWith('.gamma'))).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((x, i) => i === 0 || x >= fractions[i - 1]!)).toBe(true);
  });

  it('the loss-aware steps lower the training loss against the same pruning without them', async () => {
    const target = { ...quick, averageBits: 1 };
    const without = trainLoss(await compressAlq(subject, { ...target, basisSteps: 0, coordinateSteps: 0 }));
    const withSteps = trainLoss(await compressAlq(subject, target));
    expect(withSteps).toBeLessThan(without);
  });

  it('refuses settings out of range in one line, and stops when the run is cancelled', async () => {
    await expect(compressAlq(subject, { averageBits: 0 })).rejects.toThrow('alq: averageBits must be in (0, maxBases = 6]');
    await expect(compressAlq(subject, { maxBases: 9 })).rejects.toThrow(/maxBases must be an integer 1..8/);
    const controller = new AbortController();
    controller.abort();
    await expect(compressAlq({ ...subject, signal: controller.signal }, quick)).rejects.toThrow(CompressAbortedError);
    expect(ALQ_DEFAULTS.maxBases).toBe(6);
  });
});
