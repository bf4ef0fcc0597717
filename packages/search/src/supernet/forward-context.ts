import type { Tensor } from '@oqat/engine';

/**
 * How batch norm behaves in one forward pass:
 * - train: normalise with the batch's statistics (running statistics are not
 *   tracked while training: shared by all subnets they would mean nothing;
 *   they are re-estimated per subnet before evaluation, as OFA does);
 * - calibrate: as train, and record each layer's batch mean and variance;
 * - eval: normalise with the running statistics.
 */
export type ForwardMode = 'train' | 'calibrate' | 'eval';

/** Per-layer sums of batch statistics gathered in calibrate mode. */
export interface BnStatsSum {
  mean: Tensor;
  variance: Tensor;
  batches: number;
}

export interface ForwardContext {
  mode: ForwardMode;
  /** filled in calibrate mode, keyed by the BN layer's name */
  calibration?: Map<string, BnStatsSum>;
  /** seed of the classifier dropout in train mode (derived per step); none: no dropout */
  dropoutSeed?: number;
}

export const TRAIN: ForwardContext = { mode: 'train' };
export const EVAL: ForwardContext = { mode: 'eval' };
