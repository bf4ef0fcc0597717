import { takeItems, type ImageDataset, type Normalization } from '@oqat/data';
import type { Tensor } from '@oqat/engine';
import { bnBatches, inputNormalization, loadClassificationData, type TrainConfig } from '@oqat/search';

export interface CheckpointEvalData {
  /** the first `testImages` of the test split (all when 0) */
  test: ImageDataset;
  /** fixed training batches for BN re-estimation; the caller disposes them */
  bn: Tensor[];
  /** the input scaling the checkpoint was trained with */
  normalization: Normalization;
  /** the training split (unlabelled calibration images of post-training quantization come from it) */
  train: ImageDataset;
}

/** The test split and BN batches a checkpoint's subnets are measured on (its own dataset: a Fashion-MNIST copy or a folder). */
export async function loadCheckpointEvalData(config: TrainConfig, testImages: number, bnImages: number, seed: number): Promise<CheckpointEvalData> {
  const data = await loadClassificationData(config.data);
  const n = testImages > 0 ? Math.min(testImages, data.test.count) : data.test.count;
  const test = n < data.test.count ? takeItems(data.test, Int32Array.from({ length: n }, (_, i) => i)) : data.test;
  const normalization = inputNormalization(config);
  return { test, bn: bnBatches(data.train, bnImages, 250, seed, normalization), normalization, train: data.train };
}
