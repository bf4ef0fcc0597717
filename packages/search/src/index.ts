// Public API of @oqat/search: the search space and SubnetSpec helpers, the
// once-for-all quantized supernet and its static subnets, OQAT training,
// evaluation and checkpoints.

export type { SearchSpace, StemSpace, FirstBlockSpace, StageSpace, HeadSpace, SpaceActivation } from './space/search-space';
export { seHiddenChannels, makeDivisible } from './space/search-space';
export { parseSearchSpace, SUPPORTED_BITS } from './space/parse-search-space';
export { resolveSearchSpace, BUILTIN_SPACES } from './space/resolve-search-space';
export { FASHION_MNIST_SPACE } from './space/fashion-mnist-space';
export { OFA_MBV3_SPACE } from './space/ofa-mbv3-space';
export type { SubnetSpec } from './space/subnet-spec';
export { parseSubnetSpec, assertSubnetSpec, subnetKey } from './space/subnet-spec';
export { largestSubnet, smallestSubnet, middleSubnet, sampleSubnet, sampleBlocks } from './space/sample-subnet';
export { mutateSubnet, crossoverSubnets } from './space/evolve-subnet';
export type { MutateOptions } from './space/evolve-subnet';
export { encodeSubnet, subnetFeatureLength } from './space/encode-subnet';
export { lowerSubnet } from './space/lower-subnet';
export { singleSubnetSpace } from './space/single-subnet-space';
export type { LowerOptions } from './space/lower-subnet';
export { subnetCosts } from './space/layer-costs';
export type { SubnetCosts } from './space/layer-costs';
export { blockMiddleChannels } from './space/block-channels';

export { MobileNetV3Supernet } from './supernet/networks/mobilenet-v3';
export type { SupernetOptions, MobileNetV3SupernetConfig } from './supernet/networks/mobilenet-v3';
export { lsqQuantFactory, LsqLayerQuant } from './supernet/lsq-layer-quant';
export type { LayerQuant, QuantFactory, QuantRole } from './supernet/layer-quant';
export type { ForwardContext, ForwardMode } from './supernet/forward-context';
export { TRAIN, EVAL } from './supernet/forward-context';
export { reestimateBn } from './supernet/reestimate-bn';
export { extractSubnet } from './supernet/extract-subnet';
export type { ExtractOptions } from './supernet/extract-subnet';
export type { NamedParam, NamedBuffer } from './supernet/named-param';

export { StaticMobileNet } from './static/static-mobilenet';
export type { StaticMobileNetConfig } from './static/static-mobilenet';
export type { StaticConv2dConfig } from './static/static-conv2d';
export type { StaticLinearConfig } from './static/static-linear';
export type { StaticBatchNormConfig } from './static/static-batch-norm';
export type { StaticSeConfig } from './static/static-se';
export type { StaticMbBlockConfig } from './static/static-mb-block';
export type { StaticLayer, StaticQuantConfig, WeightMap } from './static/static-layer';
export { staticLayerFromConfig, STATIC_LAYER_TYPES } from './static/registry';
export type { StaticLayerConfig } from './static/registry';

export { train } from './train/train';
export { CHECKPOINT_FILE, phaseName } from './train/run-training';
export type { TrainOptions } from './train/run-training';
export { DEFAULT_TRAIN_CONFIG } from './train/train-config';
export type { TrainConfig, PhaseConfig } from './train/train-config';
export { parseTrainConfig } from './train/parse-train-config';
export type * from './train/train-events';
export { loadSupernet } from './train/load-supernet';
export type { LoadedSupernet } from './train/load-supernet';
export type { TrainingPosition, TrainCheckpointMeta } from './train/train-checkpoint';

export { evaluateSubnet, bnBatches, INPUT_NORMALIZATION } from './eval/evaluate-subnet';
export type { EvalResult, EvalData } from './eval/evaluate-subnet';

export {
  InvalidSpaceError,
  InvalidSubnetError,
  InvalidTrainConfigError,
  CheckpointError,
  UnknownLayerTypeError,
  NoValidSampleError,
} from './errors';

// Hardware-aware evolutionary search (NSGA-II), accuracy predictor, random baseline.
export * from './evolve/index';

// Export of a chosen subnet: tfjs graph model, ONNX QDQ, bit-packed weights.
export * from './export/index';
