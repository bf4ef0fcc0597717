// Layer IR
export { OPS, ACTIVATIONS } from './ir/layer-desc';
export type { Op, Activation, LayerDesc, LatencySample } from './ir/layer-desc';
export { validateLayer, validateLayers, isValidBits } from './ir/validate-layers';
export { outputHeight, outputWidth, seHiddenChannels, makeDivisible } from './ir/output-shape';
export { layerFigures, layerMacs, layerParams, isQuantized } from './ir/layer-figures';
export type { LayerFigures } from './ir/layer-figures';
export { networkFigures } from './ir/network-figures';
export type { NetworkFigures } from './ir/network-figures';

// Devices
export { DEVICE_NAMES, DEVICES, deviceInfo, isDeviceName, effectiveBits } from './devices/device-names';
export type { DeviceName, DeviceInfo } from './devices/device-names';
export { XAVIER_PARAMS } from './devices/xavier/xavier-params';
export type { XavierParams } from './devices/xavier/xavier-params';
export { xavierLayerMs } from './devices/xavier/xavier-simulator';
export { FPGA_PARAMS } from './devices/fpga/fpga-params';
export type { FpgaParams } from './devices/fpga/fpga-params';
export { fpgaLayerMs, fpgaMacUnits, fpgaMacLuts } from './devices/fpga/fpga-simulator';
export type { EsbOperands } from './devices/fpga/fpga-simulator';
export { simulateNetwork } from './devices/simulate-network';
export type { SimulatedDevice, SimulatorParams, SimulatedLatency } from './devices/simulate-network';

// Profiling (measured devices)
export { profileNetworks } from './profile/profile-networks';
export type { ProfileNetworksOptions, ProfileProgress } from './profile/profile-networks';
export type { LayerRuntime, PreparedNetwork } from './profile/layer-runtime';
export { createTfjsRuntime } from './profile/tfjs-runtime';
export type { TfLike, TfTensorLike, TfjsRuntimeOptions } from './profile/tfjs-runtime';
export { createOrtRuntime, loadOnnxRuntime } from './profile/ort-runtime';
export type { OrtRuntimeOptions } from './profile/ort-runtime';
export { buildOnnxNetwork } from './profile/onnx-network';
export type { OnnxNetwork, OnnxNetworkOptions } from './profile/onnx-network';
export { measureLatency, robustSummary, DEFAULT_TIMING, DEFAULT_LAYER_TIMING } from './profile/measure-latency';
export type { Timing, TimingOptions } from './profile/measure-latency';
export { planChain } from './profile/chain-plan';
export type { ChainPlan, ChainStep, ValueRef } from './profile/chain-plan';

// Predictors
export type { CostModel, CostModelKind, PredictorJson, LutModelJson, LearnedModelJson, FlopsModelJson, FewShotModelJson, PriorSourceJson } from './predict/cost-model';
export { fitPredictor, evaluatePredictor } from './predict/fit-predictor';
export type { FitPredictorOptions, FitPredictorResult, PredictorKind } from './predict/fit-predictor';
export { predictLatency } from './predict/predict-latency';
export { predictorFromJson } from './predict/predictor-json';
export { fitLearned, DEFAULT_LEARNED_FIT } from './predict/fit-learned';
export type { LearnedFitOptions } from './predict/fit-learned';
export { LearnedModel } from './predict/learned-model';
export { FlopsModel, fitFlopsModel } from './predict/flops-model';
export { LAYER_FEATURES } from './predict/layer-features';
export { fitFewShot, FEWSHOT_LAMBDAS } from './predict/fit-fewshot';
export type { FewShotFitOptions } from './predict/fit-fewshot';
export { chooseFewShotNetworks, fewShotDesignCandidates } from './predict/fit-fewshot-design';
export { FewShotModel, FEWSHOT_GROUPS, FEWSHOT_WORK, priorSource } from './predict/fewshot-model';
export type { PriorSource } from './predict/fewshot-model';
export { fitDevicePredictor, defaultPriorSources, MIN_DEVICE_SAMPLES } from './predict/fit-device';
export type { DevicePredictorOptions } from './predict/fit-device';
export { DeviceRegistry, DEVICE_REGISTRY_FOLDER, DEVICE_FORMAT, deviceNameProblem } from './devices/device-registry';
export type { RegisteredDevice, DeviceEntry } from './devices/device-registry';
export { fitLut, DEFAULT_LUT_FIT } from './lut/fit-lut';
export type { LutFitOptions } from './lut/fit-lut';
export { LutModel } from './lut/lut-model';
export type { LutEntry } from './lut/lut-model';
export { LayerKeyBuilder, parseLayerKey } from './lut/layer-key';

// Metrics
export { latencyMetrics, spearman } from './metrics/latency-metrics';
export type { LatencyMetrics } from './metrics/latency-metrics';
export { measurePredictionRate } from './metrics/prediction-rate';

// Samples (JSONL)
export { loadSamples, parseSamples, formatSample } from './samples/load-samples';

// The search space (pure data): its shape, the OFA reference space, the sampler and the lowering to the
// layer IR. Search trains exactly these and latency prices exactly these (here: tfjs-free, below search).
export type { SearchSpace, StemSpace, FirstBlockSpace, StageSpace, HeadSpace, SegmentationHeadSpace, SpaceActivation, SubnetSpec } from './space/search-space';
export { blockMiddleChannels, skipChannels } from './space/search-space';
export { OFA_MBV3_SPACE } from './space/ofa-mbv3-space';
export { largestSubnet, smallestSubnet, middleSubnet, sampleSubnet, sampleBlocks } from './space/sample-subnet';
export { lowerSubnet } from './space/lower-subnet';
export type { LowerOptions } from './space/lower-subnet';
export {
  layerBits,
  subnetLayerBits,
  elasticLayerNames,
  withLayerBits,
  blockName,
  blockLayerName,
  STEM_LAYER,
  HEAD_EXPAND_LAYER,
  FEATURE_MIX_LAYER,
  CLASSIFIER_LAYER,
  SEGMENTATION_HIGH_LAYER,
} from './space/layer-bits';
export type { BlockPart } from './space/layer-bits';

// Errors
export {
  InvalidLayerError,
  InvalidNetworkError,
  UnknownDeviceError,
  DeviceRegistryError,
  LatencyKeyMissingError,
  SampleFileError,
  NotEnoughSamplesError,
  MixedDevicesError,
  DeviceMismatchError,
  PredictorRequiredError,
  PredictorFormatError,
  RuntimeRequiredError,
  RuntimeUnavailableError,
  UnsupportedLayerError,
  ProfileAbortedError,
  ClockThreadsError,
} from './errors';
