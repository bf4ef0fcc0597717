import { tf, type Tensor1D, type Tensor3D, type Tensor4D } from '@oqat/engine';
import type { ImageDataset, SegmentationDataset } from '../types';
import type { BatchOptions } from './batch-options';
import { floatBatches } from './image-batches';
import { floatSegmentationBatches } from './segmentation-batches';

/**
 * A classification batch as tensors. Labels are sparse int32 class ids, not
 * one-hot: 4 bytes per item instead of 40, and the loss can take them as they
 * are (tf.losses.softmaxCrossEntropy needs tf.oneHot(labels, 10), which the
 * caller writes inside its own tf.tidy). The caller owns and disposes both tensors.
 */
export interface TensorBatch {
  readonly images: Tensor4D;
  readonly labels: Tensor1D;
  readonly size: number;
}

/** floatBatches as tensors: images [N, H, W, C] float32, labels [N] int32. */
export function* tensorBatches(dataset: ImageDataset, options: BatchOptions): Generator<TensorBatch, void, undefined> {
  for (const batch of floatBatches(dataset, options)) {
    yield {
      images: tf.tensor4d(batch.images, [batch.size, batch.height, batch.width, batch.channels], 'float32'),
      labels: tf.tensor1d(batch.labels, 'int32'),
      size: batch.size,
    };
  }
}

/** A segmentation batch: images [N, H, W, C] float32 and masks [N, H, W] int32. The caller disposes both. */
export interface SegmentationTensorBatch {
  readonly images: Tensor4D;
  readonly masks: Tensor3D;
  readonly size: number;
}

export function* segmentationTensorBatches(
  dataset: SegmentationDataset,
  options: BatchOptions,
): Generator<SegmentationTensorBatch, void, undefined> {
  for (const batch of floatSegmentationBatches(dataset, options)) {
    yield {
      images: tf.tensor4d(batch.images, [batch.size, batch.height, batch.width, batch.channels], 'float32'),
      masks: tf.tensor3d(batch.masks, [batch.size, batch.height, batch.width], 'int32'),
      size: batch.size,
    };
  }
}
