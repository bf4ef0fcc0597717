import { StaticBatchNorm } from './static-batch-norm';
import { StaticConv2d, type StaticConv2dConfig } from './static-conv2d';
import type { WeightMap } from './static-layer';

/** A conv and the batch norm after it (named `${name}` and `${name}.bn`). */
export interface StaticConvBn {
  conv: StaticConv2d;
  bn: StaticBatchNorm;
}

export function staticConvBn(name: string, c: StaticConv2dConfig, weights: WeightMap | undefined, seed: number): StaticConvBn {
  return { conv: new StaticConv2d(name, c, weights, seed), bn: new StaticBatchNorm(`${name}.bn`, { type: 'batch-norm', channels: c.outC }, weights) };
}
