import {
  floatBatches, floatSegmentationBatches, imageBatchCount, inPlaceBatchStream, mapBatchStream, sharedImageDataset, sharedSegmentationDataset,
  startImageBatchPrefetcher, startSegmentationBatchPrefetcher, takeItems,
  type BatchPrefetcher, type BatchStream, type FloatBatch, type FloatSegmentationBatch, type ImageDataset, type Normalization,
} from '@oqat/data';
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
  /**
   * One epoch of training batches (dropLast), shuffled and augmented from
   * `seed` and `epoch`, after skipping the first `skip` (a resumed run);
   * prepared ahead on a worker thread when the data was built with `prefetch`
   * (the same batches either way).
   */
  epoch(seed: number, epoch: number, augment: boolean, skip: number): BatchStream<TrainBatch>;
  /** ends the prefetch thread, if any */
  dispose(): Promise<void>;
  /** builds BN re-estimation batches (the caller disposes them) */
  bnBatches(images: number, seed: number): Tensor[];
  evaluate(spec: SubnetSpec, bn: readonly Tensor[], batchSize: number): EvalResult;
  /** classification: top-1 on the analog device, right after evaluate() of the same spec (its BN statistics) */
  evaluateAnalog?(spec: SubnetSpec, batchSize: number, device: Partial<AnalogDevice>): AnalogEvalResult;
}

function firstItems(d: ImageDataset, n: number): ImageDataset {
  return n > 0 && n < d.count ? takeItems(d, Int32Array.from({ length: n }, (_, i) => i)) : d;
}

const imageTrainBatch = (b: FloatBatch): TrainBatch =>
  ({ size: b.size, images: b.images, imageShape: [b.size, b.height, b.width, b.channels], targets: b.labels, targetShape: [b.size] });
const segmentationTrainBatch = (b: FloatSegmentationBatch): TrainBatch =>
  ({ size: b.size, images: b.images, imageShape: [b.size, b.height, b.width, b.channels], targets: b.masks, targetShape: [b.size, b.height, b.width] });

/**
 * Epochs of a generator's batches, in place (`prefetch` 0) or `prefetch`
 * batches ahead on a worker thread started at the first epoch.
 */
function epochSource<D, B>(
  train: D, prefetch: number, inPlace: (d: D, options: { seed: number; epoch: number; augment: boolean }) => Iterator<B, void, undefined>,
  start: (d: D, depth: number) => BatchPrefetcher<B>, batchOptions: (seed: number, epoch: number, augment: boolean) => Parameters<BatchPrefetcher<B>['epoch']>[0],
): Pick<TaskData, 'dispose'> & { open(seed: number, epoch: number, augment: boolean, skip: number): BatchStream<B> } {
  let prefetcher: BatchPrefetcher<B> | undefined;
  return {
    open(seed, epoch, augment, skip) {
      if (prefetch <= 0) return inPlaceBatchStream(inPlace(train, { seed, epoch, augment }), skip);
      prefetcher ??= start(train, prefetch);
      return prefetcher.epoch(batchOptions(seed, epoch, augment), skip);
    },
    dispose: async () => {
      await prefetcher?.dispose();
      prefetcher = undefined;
    },
  };
}

/**
 * Image classification: labels per image, top-1. `trainLimit`/`testLimit`
 * keep the first n items (0 = all); `prefetch` batches are prepared ahead of
 * the step on a worker thread (0: in place).
 */
export function classificationData(
  network: TaskSupernet & { task: 'classification' },
  data: { train: ImageDataset; test: ImageDataset },
  o: { batchSize: number; trainLimit: number; testLimit: number; normalization: Normalization; prefetch?: number },
): TaskData {
  const prefetch = o.prefetch ?? 0;
  // With a prefetch thread the training split lives in shared memory, read by both threads (one copy).
  const limited = firstItems(data.train, o.trainLimit);
  const train = prefetch > 0 ? sharedImageDataset(limited) : limited;
  const test = firstItems(data.test, o.testLimit);
  const options = (seed: number, epoch: number, augment: boolean) => ({ batchSize: o.batchSize, seed, epoch, augment, normalize: o.normalization, dropLast: true });
  const source = epochSource(train, prefetch, (d, e) => floatBatches(d, options(e.seed, e.epoch, e.augment)), startImageBatchPrefetcher, options);
  return {
    trainCount: train.count,
    testCount: test.count,
    batchesPerEpoch: imageBatchCount(train, { batchSize: o.batchSize, dropLast: true }),
    epoch: (seed, epoch, augment, skip) => mapBatchStream(source.open(seed, epoch, augment, skip), imageTrainBatch),
    dispose: source.dispose,
    bnBatches: (images, seed) => bnBatches(train, images, o.batchSize, seed, o.normalization),
    evaluate: (spec, bn, batchSize) => evaluateClassificationSubnet(network.net, spec, { bn, test, batchSize, normalization: o.normalization }),
    evaluateAnalog: (spec, batchSize, device) => evaluateAnalogSubnet(network.net, spec, { bn: [], test, batchSize, normalization: o.normalization }, device),
  };
}

/** Semantic segmentation: a mask per image, per-pixel loss, mIoU; `prefetch` as for classification. */
export function segmentationData(
  network: TaskSupernet & { task: 'segmentation' }, data: SegmentationSplits, o: { batchSize: number; normalization: Normalization; prefetch?: number },
): TaskData {
  const prefetch = o.prefetch ?? 0;
  const train = prefetch > 0 ? sharedSegmentationDataset(data.train) : data.train;
  const { test } = data;
  const options = (seed: number, epoch: number, augment: boolean) => ({ batchSize: o.batchSize, seed, epoch, augment, normalize: o.normalization, dropLast: true });
  const source = epochSource(train, prefetch, (d, e) => floatSegmentationBatches(d, options(e.seed, e.epoch, e.augment)), startSegmentationBatchPrefetcher, options);
  return {
    trainCount: train.count,
    testCount: test.count,
    batchesPerEpoch: Math.floor(train.count / o.batchSize),
    epoch: (seed, epoch, augment, skip) => mapBatchStream(source.open(seed, epoch, augment, skip), segmentationTrainBatch),
    dispose: source.dispose,
    bnBatches: (images, seed) => bnBatches(train, images, o.batchSize, seed, o.normalization),
    evaluate: (spec, bn, batchSize) => evaluateSegmentationSubnet(network.net, spec, { bn, test, batchSize, normalization: o.normalization }),
  };
}

/** A batch's images and targets as tensors (the caller disposes both). */
export function batchTensors(b: TrainBatch): { images: Tensor; targets: Tensor } {
  return { images: tf.tensor4d(b.images, b.imageShape), targets: tf.tensor(b.targets, b.targetShape, 'int32') };
}
