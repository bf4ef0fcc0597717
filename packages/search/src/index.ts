// Public API of @oqat/search: the search space and SubnetSpec helpers, the
// once-for-all quantized supernet and its static subnets (what @oqat/export
// takes), OQAT training, evaluation and checkpoints, the evolutionary search.

// The space's shape, the OFA space, the sampler and the lowering are @oqat/latency's (tfjs-free, below
// search, so latency prices exactly what search trains); part of search's API too.
export type { SearchSpace, StemSpace, FirstBlockSpace, StageSpace, HeadSpace, SegmentationHeadSpace, SpaceActivation, SubnetSpec, LowerOptions } from '@oqat/latency';
export { seHiddenChannels, makeDivisible, skipChannels, blockMiddleChannels, OFA_MBV3_SPACE, lowerSubnet } from '@oqat/latency';
export { largestSubnet, smallestSubnet, middleSubnet, sampleSubnet, sampleBlocks } from '@oqat/latency';
export { parseSearchSpace } from './space/parse-search-space';
export { bitsChainProblem, quantizedWidths } from './space/bits-chain';
export { resolveSearchSpace, BUILTIN_SPACES } from './space/resolve-search-space';
export { FASHION_MNIST_SPACE } from './space/fashion-mnist-space';
export { SEGMENTATION_SCENES_SPACE } from './space/segmentation-scenes-space';
export { parseSubnetSpec, assertSubnetSpec, subnetKey } from './space/subnet-spec';
export { mutateSubnet, crossoverSubnets } from './space/evolve-subnet';
export type { MutateOptions } from './space/evolve-subnet';
export { encodeSubnet, subnetFeatureLength } from './space/encode-subnet';
export { singleSubnetSpace } from './space/single-subnet-space';
export { spaceForData } from './space/data-space';
export type { DataShape } from './space/data-space';
export { subnetCosts } from './space/layer-costs';
export type { SubnetCosts } from './space/layer-costs';

export { ElasticSupernet } from './supernet/networks/elastic-supernet';
export { MobileNetV3Supernet } from './supernet/networks/mobilenet-v3';
export { SegmentationSupernet } from './supernet/networks/segmentation-supernet';
export type { SegmentationSupernetConfig } from './supernet/networks/segmentation-supernet';
export { LrAsppHead } from './supernet/heads/lr-aspp-head';
export { createSupernet } from './supernet/networks/create-supernet';
export type { TaskSupernet } from './supernet/networks/create-supernet';
export type { SupernetOptions, MobileNetV3SupernetConfig } from './supernet/networks/mobilenet-v3';
export { lsqQuantFactory, LsqLayerQuant } from './supernet/lsq-layer-quant';
export { DropBitsLayerQuant, dropBitsQuantFactory } from './supernet/dropbits-layer-quant';
export { quantFactoryFor, lowerOptionsFor } from './supernet/quant-factory';
export type { LayerFormat } from './supernet/lsq-layer-quant';
export type { DropBitsSettings } from './supernet/dropbits-layer-quant';
export { SqLayerQuant, sqQuantFactory } from './supernet/sq-layer-quant';
export type { SqSampling } from './supernet/sq-layer-quant';
export type { SqStepStats } from './train/sq-training';
export type { LayerQuant, QuantFactory, QuantRole } from './supernet/layer-quant';
export type { ForwardContext, ForwardMode } from './supernet/forward-context';
export { TRAIN, EVAL } from './supernet/forward-context';
export { reestimateBn } from './supernet/reestimate-bn';
// The onnxruntime preset's integer-graph requantizations in the supernet (presetQuantFactory turns them on; a bench for a network trained without it).
export { setIntegerRequant } from './supernet/integer-requant';
export { extractSubnet } from './supernet/extract-subnet';
export type { ExtractOptions, StaticNetwork } from './supernet/extract-subnet';
export { staticSubnet, type StaticSubnetOptions } from './supernet/static-subnet';
export { subnetWidths, weightsWidth } from './supernet/subnet-widths';
export type { NamedParam, NamedBuffer } from './supernet/named-param';

export { StaticMobileNet } from './static/static-mobilenet';
export type { StaticMobileNetConfig } from './static/static-mobilenet';
export { StaticSegmentationNet } from './static/static-segmentation-net';
export type { StaticSegmentationNetConfig } from './static/static-segmentation-net';
export { StaticQuant } from './static/static-quant';
export type { StaticBackbone } from './static/static-backbone';
export type { StaticBatchNorm } from './static/static-batch-norm';
export type { StaticConvBn } from './static/static-conv-bn';
export type { StaticLinear } from './static/static-linear';
export type { StaticConv2dConfig } from './static/static-conv2d';
export type { StaticLinearConfig } from './static/static-linear';
export type { StaticBatchNormConfig } from './static/static-batch-norm';
export type { StaticSeConfig } from './static/static-se';
export type { StaticMbBlockConfig } from './static/static-mb-block';
export type { StaticLayer, StaticQuantConfig, WeightMap } from './static/static-layer';

// A training run's config: its defaults and its parser.
export { DEFAULT_TRAIN_CONFIG, DEFAULT_SPACE, oqatPhases, QUANTIZER_KINDS } from './config/train-config';
export { RUN_PRESETS, presetQuantizerProblem, quantizerFormat } from './config/run-preset';
export type { RunPreset } from './config/run-preset';
export type { TrainConfig, PhaseConfig, Task, SegmentationDataConfig, QuantizerKind } from './config/train-config';
export { parseTrainConfig } from './config/parse-train-config';
export { sqRatiosProblem } from './config/sq-ratios';

// MMSE post-training quantization of a float subnet (oqat quantize): calibration, the multi-tensor layers, top-1 and bytes.
export { ptqSubject, calibrateSubject, ptqNetwork, staticTop1, staticWeightBytes, PTQ_CALIBRATIONS, PTQ_GRANULARITIES, PTQ_MULTI_TENSOR_DEFAULTS } from './ptq';
export type { PtqSubject, PtqCalibrationResult, PtqLayerReport, PtqCalibration, PtqGranularity, PtqSettings } from './ptq';

// Compression beyond uniform levels (oqat compress: ALQ, VQ): the subject a method gets, its result, the decoded subnet, its bytes.
export * from './compress/index';

// Supernet checkpoints (written by training): loading one for evaluation, search or export.
export { describeSupernetCheckpoint, loadSupernet } from './checkpoint/load-supernet';
export type { LoadedSupernet } from './checkpoint/load-supernet';
export type { TrainingPosition, TrainCheckpointMeta } from './checkpoint/supernet-checkpoint';
// One subnet as a file of its own (oqat finetune writes it, and measures it again).
export { isStaticSubnetFile, loadStaticSubnet, writeStaticSubnet, STATIC_SUBNET_KIND } from './checkpoint/static-subnet-checkpoint';
export type { LoadedStaticSubnet, StaticSubnetMeta } from './checkpoint/static-subnet-checkpoint';

export { train } from './train/train';
// One OQAT training step and its parts, for custom loops and tools/bench/supernet-step.ts.
export { sandwichStep, type SandwichOptions, type SandwichResult } from './train/sandwich-step';
export { labelLoss } from './losses';
export { SgdNesterov, type SgdOptions } from './train/sgd-nesterov';
export { CHECKPOINT_FILE, phaseName } from './train/run-training';
export { learnedBitsFile } from './train/dropbits-training';
export type { TrainOptions } from './train/run-training';
export { loadSegmentationData, loadFolderSplit, scenesOf } from './train/segmentation-data';
export { loadClassificationData } from './train/classification-data';
export type { ClassificationSplits } from './train/classification-data';
export type { SegmentationSplits, SceneItems } from './train/segmentation-data';
export type * from './train/train-events';

export { evaluateSubnet, evaluateClassificationSubnet, evaluateSegmentationSubnet, classifyTestSet, bnBatches, INPUT_NORMALIZATION, inputNormalization } from './eval/evaluate-subnet';
export type { EvalResult, EvalData, SegmentationEvalData } from './eval/evaluate-subnet';
export { ConfusionMatrix } from './eval/segmentation-metrics';
export type { SegmentationMetrics } from './eval/segmentation-metrics';

export {
  InvalidSpaceError,
  InvalidSubnetError,
  InvalidTrainConfigError,
  CheckpointError,
  NoValidSampleError,
  TaskMismatchError,
  SubnetNotReadyError,
  CompressedLayerError,
} from './errors';

// Hardware-aware evolutionary search (NSGA-II), accuracy predictor, random baseline.
export * from './evolve/index';

// Precision tuning (POP-style): per-layer bits at least cost under an accuracy requirement, solved exactly or greedily.
export * from './tune/index';
// The analog device (ABFP paper): a static network's convs and linears through @oqat/quant's analogMatmul.
export { evaluateAnalogSubnet, classifyOnDevice } from './eval/evaluate-analog';
export type { AnalogEvalResult } from './eval/evaluate-analog';
export { AnalogRun, analogConv2d } from './static/analog-layers';
export { setAnalogDevice, matmulLayers } from './static/analog-network';
export type { MatmulDevice } from './static/analog-layers';
// DNF (Differential Noise Finetuning, ABFP paper): the device's per-channel differential noise, sampled in float finetuning.
export { DifferentialProbe, DnfNoise } from './static/differential-noise';
export type { DifferentialNoise, DifferentialNoiseTable } from './static/differential-noise';
export { finetuneStatic } from './train/static-finetune';
export type { DnfOptions, StaticFinetuneOptions, StaticFinetuneResult } from './train/static-finetune';
