import { describe, expect, it } from 'vitest';
import type { ImageDataset, SegmentationDataset } from '../types';
import { startImageBatchPrefetcher, startSegmentationBatchPrefetcher } from './batch-prefetch';
import { inPlaceBatchStream, type BatchStream } from './batch-stream';
import { floatBatches, type FloatBatch } from './image-batches';
import { floatSegmentationBatches } from './segmentation-batches';

function images(count: number, side: number, channels: number): ImageDataset {
  const pixels = Uint8Array.from({ length: count * side * side * channels }, (_, i) => (i * 37 + (i >> 5)) % 256);
  return { images: pixels, labels: Uint8Array.from({ length: count }, (_, i) => i % 3), count, height: side, width: side, channels, classNames: ['a', 'b', 'c'] };
}

async function drain<B>(stream: BatchStream<B>): Promise<B[]> {
  const out: B[] = [];
  for (let b = await stream.next(); b !== undefined; b = await stream.next()) out.push(b);
  return out;
}

const OPTIONS = { batchSize: 4, seed: 7, epoch: 2, resolution: 10, augment: true, normalize: { mean: 0.3, std: 0.4 } };

describe('startImageBatchPrefetcher', () => {
  it('gives the bytes and order of floatBatches, skipping, re-opening and closing epochs', async () => {
    const data = images(23, 8, 3);
    const prefetcher = startImageBatchPrefetcher(data, 2);
    try {
      const expected = [...floatBatches(data, OPTIONS)];
      const got = await drain(prefetcher.epoch(OPTIONS));
      expect(got).toHaveLength(6);
      got.forEach((b, i) => {
        expect(b.images).toEqual(expected[i]!.images);
        expect(b.labels).toEqual(expected[i]!.labels);
        expect(b.indices).toEqual(expected[i]!.indices);
      });
      // a resumed epoch skips what was used; a closed one yields nothing more, and the next epoch is its own
      const early = prefetcher.epoch({ ...OPTIONS, epoch: 3 }, 2);
      const third = [...floatBatches(data, { ...OPTIONS, epoch: 3 })][2]!;
      expect((await early.next())!.indices).toEqual(third.indices);
      early.close();
      expect(await early.next()).toBeUndefined();
      const next = await drain(prefetcher.epoch({ ...OPTIONS, epoch: 4, dropLast: true }));
      expect(next.map((b: FloatBatch) => [...b.indices])).toEqual([...floatBatches(data, { ...OPTIONS, epoch: 4, dropLast: true })].map((b) => [...b.indices]));
      // a bad option is the generator's own error, thrown here
      expect(() => prefetcher.epoch({ ...OPTIONS, batchSize: 0 })).toThrow(/batchSize/);
    } finally {
      await prefetcher.dispose();
    }
  });

  it('prepares segmentation batches (image and mask shifted together) the same way', async () => {
    const base = images(9, 6, 1);
    const data: SegmentationDataset = { ...base, masks: Uint8Array.from({ length: 9 * 36 }, (_, i) => i % 4), classNames: ['0', '1', '2', '3'], ignoreValue: 255 };
    const prefetcher = startSegmentationBatchPrefetcher(data, 1);
    try {
      const options = { batchSize: 2, seed: 3, augment: true };
      const got = await drain(prefetcher.epoch(options));
      const expected = [...floatSegmentationBatches(data, options)];
      expect(got.map((b) => [...b.masks])).toEqual(expected.map((b) => [...b.masks]));
      expect(got.map((b) => [...b.images])).toEqual(expected.map((b) => [...b.images]));
    } finally {
      await prefetcher.dispose();
    }
  });
});

describe('inPlaceBatchStream', () => {
  it('skips, ends and closes like the prefetched stream', async () => {
    const data = images(10, 4, 1);
    const stream = inPlaceBatchStream(floatBatches(data, { batchSize: 3, seed: 1 }), 1);
    expect((await drain(stream)).map((b) => b.size)).toEqual([3, 3, 1]);
    const closed = inPlaceBatchStream(floatBatches(data, { batchSize: 3, seed: 1 }));
    closed.close();
    expect(await closed.next()).toBeUndefined();
  });
});
