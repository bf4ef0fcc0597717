import { loadFashionMnist, takeItems, type ImageDataset } from '@oqat/data';
import type { Tensor } from '@oqat/engine';
import { bnBatches, type TrainConfig } from '@oqat/search';

export interface CheckpointEvalData {
  /** the first `testImages` of the test split (all when 0) */
  test: ImageDataset;
  /** fixed training batches for BN re-estimation; the caller disposes them */
  bn: Tensor[];
}

/** The test split and BN batches a checkpoint's subnets are measured on (its own dataset source). */
export async function loadCheckpointEvalData(config: TrainConfig, testImages: number, bnImages: number, seed: number): Promise<CheckpointEvalData> {
  const data = await loadFashionMnist({ source: config.data.source });
  const n = testImages > 0 ? Math.min(testImages, data.test.count) : data.test.count;
  const test = n < data.test.count ? takeItems(data.test, Int32Array.from({ length: n }, (_, i) => i)) : data.test;
  return { test, bn: bnBatches(data.train, bnImages, 250, seed) };
}
