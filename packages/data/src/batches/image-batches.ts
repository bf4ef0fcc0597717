import { createRng, derive } from '@oqat/core';
import { flipHorizontal } from '../transforms/flip-horizontal';
import { normalizePixels } from '../transforms/normalize';
import { padAndCrop } from '../transforms/pad-and-crop';
import { bilinearPlan, resizeBilinear } from '../transforms/resize-bilinear';
import type { ImageDataset } from '../types';
import { batchCount, resolveBatchOptions, type BatchOptions } from './batch-options';

/** A batch as plain arrays: no tensors, so a caller can feed any runtime or copy into its own buffers. */
export interface FloatBatch {
  /** size × height × width × channels, normalised. */
  readonly images: Float32Array;
  /** Class ids (sparse, not one-hot). */
  readonly labels: Int32Array;
  /** Dataset index of each item, for debugging and for tests. */
  readonly indices: Int32Array;
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** The order in which an epoch visits the items: a permutation from (seed, 'shuffle', epoch), or file order. */
export function epochOrder(count: number, seed: number, epoch: number, shuffle: boolean): Int32Array {
  if (!shuffle) return Int32Array.from({ length: count }, (_, i) => i);
  return createRng(derive(seed, 'shuffle', epoch)).permutation(count);
}

/**
 * One epoch of batches: shuffle, resize to the run's resolution, pad-and-crop
 * and flip (when asked), normalise. The same (dataset, options) gives the same
 * bytes. Augmentation draws from its own stream (seed, 'augment', epoch), so
 * turning it on does not change the order.
 */
export function* floatBatches(dataset: ImageDataset, options: BatchOptions): Generator<FloatBatch, void, undefined> {
  const o = resolveBatchOptions('floatBatches', options, dataset.height);
  const { channels } = dataset;
  const side = o.resolution;
  const pixels = side * side * channels;
  const order = epochOrder(dataset.count, o.seed, o.epoch, o.shuffle);
  const augmentRng = createRng(derive(o.seed, 'augment', o.epoch));
  const plan = bilinearPlan(dataset.height, dataset.width, side, side);
  const itemBytes = dataset.height * dataset.width * channels;
  const resized = new Float32Array(pixels);
  const shifted = new Float32Array(pixels);
  const batches = batchCount(dataset.count, o.batchSize, o.dropLast);
  for (let b = 0; b < batches; b++) {
    const start = b * o.batchSize;
    const size = Math.min(o.batchSize, dataset.count - start);
    const images = new Float32Array(size * pixels);
    const labels = new Int32Array(size);
    const indices = order.slice(start, start + size);
    for (let i = 0; i < size; i++) {
      const index = indices[i]!;
      labels[i] = dataset.labels[index]!;
      const target = images.subarray(i * pixels, (i + 1) * pixels);
      let current = resizeBilinear(dataset.images, plan, channels, resized, index * itemBytes);
      if (o.padCrop > 0) {
        const dy = augmentRng.int(2 * o.padCrop + 1) - o.padCrop;
        const dx = augmentRng.int(2 * o.padCrop + 1) - o.padCrop;
        current = padAndCrop(current, side, side, channels, dy, dx, 0, current === resized ? shifted : resized);
      }
      if (o.flip && augmentRng.bool()) flipHorizontal(current, side, side, channels, target);
      else target.set(current);
    }
    normalizePixels(images, o.normalize);
    yield { images, labels, indices, size, height: side, width: side, channels };
  }
}

/** Batches per epoch for these options (the last one may be smaller unless dropLast). */
export function imageBatchCount(dataset: ImageDataset, options: Pick<BatchOptions, 'batchSize' | 'dropLast'>): number {
  return batchCount(dataset.count, options.batchSize, options.dropLast ?? false);
}
