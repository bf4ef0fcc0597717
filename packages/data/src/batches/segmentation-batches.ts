import { createRng, derive } from '@oqat/core';
import { flipHorizontal } from '../transforms/flip-horizontal';
import { normalizePixels } from '../transforms/normalize';
import { padAndCrop } from '../transforms/pad-and-crop';
import type { SegmentationDataset } from '../types';
import { batchCount, resolveBatchOptions, type BatchOptions } from './batch-options';
import { epochOrder } from './image-batches';

export interface FloatSegmentationBatch {
  /** size × height × width × channels, normalised. */
  readonly images: Float32Array;
  /** size × height × width class ids. */
  readonly masks: Int32Array;
  readonly indices: Int32Array;
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * One epoch of segmentation batches: shuffle, then the same pad-and-crop shift
 * and flip applied to an image and its mask. Images keep their stored size
 * (`resolution` is ignored: resizing a mask needs nearest-neighbour sampling
 * and scenes are generated at the wanted size). Pixels shifted in from outside
 * get 0 in the image and ignoreValue (else 0, background) in the mask.
 */
export function* floatSegmentationBatches(
  dataset: SegmentationDataset,
  options: BatchOptions,
): Generator<FloatSegmentationBatch, void, undefined> {
  const o = resolveBatchOptions('floatSegmentationBatches', options, Math.min(dataset.height, dataset.width));
  const { height, width, channels } = dataset;
  const pixels = height * width;
  const order = epochOrder(dataset.count, o.seed, o.epoch, o.shuffle);
  const augmentRng = createRng(derive(o.seed, 'augment', o.epoch));
  const maskFill = dataset.ignoreValue ?? 0;
  const batches = batchCount(dataset.count, o.batchSize, o.dropLast);
  for (let b = 0; b < batches; b++) {
    const start = b * o.batchSize;
    const size = Math.min(o.batchSize, dataset.count - start);
    const images = new Float32Array(size * pixels * channels);
    const masks = new Int32Array(size * pixels);
    const indices = order.slice(start, start + size);
    for (let i = 0; i < size; i++) {
      const index = indices[i]!;
      let image = Float32Array.from(dataset.images.subarray(index * pixels * channels, (index + 1) * pixels * channels));
      let mask = Int32Array.from(dataset.masks.subarray(index * pixels, (index + 1) * pixels));
      if (o.padCrop > 0) {
        const dy = augmentRng.int(2 * o.padCrop + 1) - o.padCrop;
        const dx = augmentRng.int(2 * o.padCrop + 1) - o.padCrop;
        image = padAndCrop(image, height, width, channels, dy, dx, 0);
        mask = padAndCrop(mask, height, width, 1, dy, dx, maskFill);
      }
      if (o.flip && augmentRng.bool()) {
        image = flipHorizontal(image, height, width, channels);
        mask = flipHorizontal(mask, height, width, 1);
      }
      images.set(image, i * pixels * channels);
      masks.set(mask, i * pixels);
    }
    normalizePixels(images, o.normalize);
    yield { images, masks, indices, size, height, width, channels };
  }
}
