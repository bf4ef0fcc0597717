import { floatBatches, floatSegmentationBatches, imageBatchCount, takeItems, type ImageDataset, type Normalization } from '@oqat/data';
import { tf, type Tensor } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import type { AnalogDevice } from '@oqat/quant';
import { evaluateAnalogSubnet, type AnalogEvalResult } from '../eval/evaluate-analog';
import { bnBatches, evaluateClassificationSubnet, evaluateSegmentationSubnet, type EvalResult } from '../eval/evaluate-subnet';
import type { TaskSupernet } from '../supernet/networks/create-supernet';
import type { SegmentationSplits } from './segmentation-data';

/** One training batch on the host: images [N, H, W, C] and targets (labels [N] or masks [N, H, W]). */
export interface TrainBatch {
  size: number;
  images: Float32Array;
  imageShape: [number, number, number, number];
  targets: Int32Array;
  targetShape: number[];
}

/**
 * What the training loop needs of a task's data, so one loop trains both
 * tasks: seeded epochs of batches, the BN re-estimation set, and evaluation
 * of a subnet on the test split with the task's figures.
 */
export interface TaskData {
  trainCount: number;
  testCount: number;
  batchesPerEpoch: number;
  /** one epoch of training batches (dropLast), shuffled and augmented from `seed` and `epoch` */
  epoch(seed: number, epoch: number, augment: boolean): Generator<TrainBatch>;
  /** builds BN re-estimation batches (the caller disposes them) */
  bnBatches(images: number, seed: number): Tensor[];
  evaluate(spec: SubnetSpec, bn: readonly Tensor[], batchSize: number): EvalResult;
  /** classification: top-1 on the analog device, right after evaluate() of the same spec (its BN statistics) */
  evaluateAnalog?(spec: SubnetSpec, batchSize: number, device: Partial<AnalogDevice>): AnalogEvalResult;
}

function firstItems(d: ImageDataset, n: number): ImageDataset {
  return n > 0 && n < d.count ? takeItems(d, Int32Array.from({ length: n }, (_, i) => i)) : d;
}

/** Image classification: labels per image, top-1. `trainLimit`/`testLimit` keep the first n items (0 = all). */
export function classificationData(
  network: TaskSupernet & { task: 'classification' },
  data: { train: ImageDataset; test: ImageDataset },
  o: { batchSize: number; trainLimit: number; testLimit: number; normalization: Normalization },
): TaskData {
  const train = firstItems(data.train, o.trainLimit);
  const test = firstItems(data.test, o.testLimit);
  return {
    trainCount: train.count,
    testCount: test.count,
    batchesPerEpoch: imageBatchCount(train, { batchSize: o.batchSize, dropLast: true }),
    *epoch(seed, epoch, augment) {
      for (const b of floatBatches(train, { batchSize: o.batchSize, seed, epoch, augment, normalize: o.normalization, dropLast: true })) {
        yield { size: b.size, images: b.images, imageShape: [b.size, b.height, b.width, b.channels], targets: b.labels, targetShape: [b.size] };
      }
    },
    bnBatches: (images, seed) => bnBatches(train, images, o.batchSize, seed, o.normalization),
    evaluate: (spec, bn, batchSize) => evaluateClassificationSubnet(network.net, spec, { bn, test, batchSize, normalization: o.normalization }),
    evaluateAnalog: (spec, batchSize, device) => evaluateAnalogSubnet(network.net, spec, { bn: [], test, batchSize, normalization: o.normalization }, device),
  };
}

/** Semantic segmentation: a mask per image, per-pixel loss, mIoU. */
export function segmentationData(network: TaskSupernet & { task: 'segmentation' }, data: SegmentationSplits, o: { batchSize: number; normalization: Normalization }): TaskData {
  const { train, test } = data;
  return {
    trainCount: train.count,
    testCount: test.count,
    batchesPerEpoch: Math.floor(train.count / o.batchSize),
    *epoch(seed, epoch, augment) {
      for (const b of floatSegmentationBatches(train, { batchSize: o.batchSize, seed, epoch, augment, normalize: o.normalization, dropLast: true })) {
        yield { size: b.size, images: b.images, imageShape: [b.size, b.height, b.width, b.channels], targets: b.masks, targetShape: [b.size, b.height, b.width] };
      }
    },
    bnBatches: (images, seed) => bnBatches(train, images, o.batchSize, seed, o.normalization),
    evaluate: (spec, bn, batchSize) => evaluateSegmentationSubnet(network.net, spec, { bn, test, batchSize, normalization: o.normalization }),
  };
}

/** A batch's images and targets as tensors (the caller disposes both). */
export function batchTensors(b: TrainBatch): { images: Tensor; targets: Tensor } {
  return { images: tf.tensor4d(b.images, b.imageShape), targets: tf.tensor(b.targets, b.targetShape, 'int32') };
}
