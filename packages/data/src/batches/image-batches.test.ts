import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_STATS } from '../datasets/fashion-mnist-files';
import { loadFashionMnist } from '../datasets/load-fashion-mnist';
import { InvalidDataOptionError } from '../errors';
import { floatBatches, imageBatchCount, type FloatBatch } from './image-batches';

describe('floatBatches', async () => {
  const { test: dataset } = await loadFashionMnist({ source: 'subset' }); // 1,000 items
  const collect = (options: Parameters<typeof floatBatches>[1]): FloatBatch[] => Array.from(floatBatches(dataset, options));
  const same = (a: FloatBatch[], b: FloatBatch[]) =>
    a.length === b.length &&
    a.every((x, i) => Buffer.from(x.images.buffer).equals(Buffer.from(b[i]!.images.buffer)) && x.labels.join() === b[i]!.labels.join());

  it('visits every item once per epoch, in batches of batchSize', () => {
    const batches = collect({ batchSize: 64, seed: 1 });
    expect(batches.length).toBe(imageBatchCount(dataset, { batchSize: 64 }));
    expect(batches.map((b) => b.size)).toEqual([...new Array(15).fill(64), 40]);
    const seen = batches.flatMap((b) => Array.from(b.indices)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    batches.forEach((b) => b.indices.forEach((index, i) => expect(b.labels[i]).toBe(dataset.labels[index])));
    expect(collect({ batchSize: 64, seed: 1, dropLast: true }).length).toBe(15);
  });

  it('repeats for a seed and epoch, and differs across seeds and epochs', () => {
    const options = { batchSize: 100, seed: 7, augment: true, resolution: 32 } as const;
    const first = collect(options);
    expect(same(first, collect(options))).toBe(true);
    expect(same(first, collect({ ...options, seed: 8 }))).toBe(false);
    expect(same(first, collect({ ...options, epoch: 1 }))).toBe(false);
    // Augmentation has its own stream: turning it off keeps the order.
    const plain = collect({ ...options, augment: false });
    expect(plain.map((b) => b.indices.join())).toEqual(first.map((b) => b.indices.join()));
  });

  it('resizes to the run resolution and keeps shapes under augmentation', () => {
    for (const resolution of [28, 32, 40]) {
      const [batch] = collect({ batchSize: 8, seed: 2, resolution, augment: { padCrop: 4, flip: true } });
      expect([batch!.size, batch!.height, batch!.width, batch!.channels]).toEqual([8, resolution, resolution, 1]);
      expect(batch!.images.length).toBe(8 * resolution * resolution);
      expect(batch!.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
  });

  it('without augmentation at 28 px gives the pixels / 255 in file order; with it, changes them', () => {
    const [plain] = collect({ batchSize: 4, seed: 0, shuffle: false });
    expect(Array.from(plain!.indices)).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 4 * 784; i += 97) expect(plain!.images[i]).toBeCloseTo(dataset.images[i]! / 255, 6);
    const [augmented] = collect({ batchSize: 4, seed: 0, shuffle: false, augment: true });
    expect(Buffer.from(augmented!.images.buffer).equals(Buffer.from(plain!.images.buffer))).toBe(false);
    const [centred] = collect({ batchSize: 1000, seed: 0, normalize: FASHION_MNIST_STATS });
    const mean = centred!.images.reduce((a, b) => a + b, 0) / centred!.images.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
  });

  it('rejects bad options with a typed error', () => {
    expect(() => collect({ batchSize: 0, seed: 1 })).toThrow(InvalidDataOptionError);
    expect(() => collect({ batchSize: 8, seed: 1, augment: { padCrop: 40 } })).toThrow(/augment\.padCrop must be/);
  });
});
