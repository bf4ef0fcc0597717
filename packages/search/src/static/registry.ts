import { UnknownLayerTypeError } from '../errors';
import { StaticBatchNorm, type StaticBatchNormConfig } from './static-batch-norm';
import { StaticConv2d, type StaticConv2dConfig } from './static-conv2d';
import type { StaticLayer, WeightMap } from './static-layer';
import { StaticLinear, type StaticLinearConfig } from './static-linear';
import { StaticMbBlock, type StaticMbBlockConfig } from './static-mb-block';
import { StaticMobileNet, type StaticMobileNetConfig } from './static-mobilenet';
import { StaticSe, type StaticSeConfig } from './static-se';
import { StaticLrAsppHead, type StaticLrAsppHeadConfig } from './static-lr-aspp-head';
import { StaticSegmentationNet, type StaticSegmentationNetConfig } from './static-segmentation-net';

export type StaticLayerConfig =
  | StaticConv2dConfig
  | StaticBatchNormConfig
  | StaticLinearConfig
  | StaticSeConfig
  | StaticMbBlockConfig
  | StaticMobileNetConfig
  | StaticLrAsppHeadConfig
  | StaticSegmentationNetConfig;

type Builder = (name: string, config: never, weights?: WeightMap) => StaticLayer<{ type: string }>;

/** The only type -> class table (OFA's set_layer_from_config). */
const BUILDERS: Record<StaticLayerConfig['type'], Builder> = {
  'conv2d': (name, c: StaticConv2dConfig, w) => new StaticConv2d(name, c, w),
  'batch-norm': (name, c: StaticBatchNormConfig, w) => new StaticBatchNorm(name, c, w),
  'linear': (name, c: StaticLinearConfig, w) => new StaticLinear(name, c, w),
  'se': (name, c: StaticSeConfig, w) => new StaticSe(name, c, w),
  'mb-block': (name, c: StaticMbBlockConfig, w) => new StaticMbBlock(name, c, w),
  'mobilenet-v3': (_name, c: StaticMobileNetConfig, w) => new StaticMobileNet(c, w),
  'lr-aspp-head': (_name, c: StaticLrAsppHeadConfig, w) => new StaticLrAsppHead(c, w),
  'mobilenet-v3-segmentation': (_name, c: StaticSegmentationNetConfig, w) => new StaticSegmentationNet(c, w),
};

export const STATIC_LAYER_TYPES = Object.keys(BUILDERS) as ReadonlyArray<StaticLayerConfig['type']>;

/**
 * Builds a static layer or network from its config (a JSON value) and its
 * tensors; missing tensors are freshly initialised. Unknown types throw
 * UnknownLayerTypeError.
 */
export function staticLayerFromConfig(name: string, config: { type: string }, weights?: WeightMap): StaticLayer<{ type: string }> {
  const build = BUILDERS[config.type as StaticLayerConfig['type']];
  if (!build) throw new UnknownLayerTypeError(config.type, STATIC_LAYER_TYPES);
  return build(name, config as never, weights);
}
