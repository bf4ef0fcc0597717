export { QUANT_BITS, quantRange } from './bits';
export type { QuantBits, QuantRange } from './bits';
export { lsqQuantize } from './quantizers/lsq';
export type { LsqOptions } from './quantizers/lsq';
export { srqQuantize, srqLevelOf, SRQ_NOISE, SRQ_MAX_DROPPED_LEVELS } from './quantizers/srq-quantize';
export type { SrqOptions } from './quantizers/srq-quantize';
export { dropBitsRates, dropBitsKeepProbabilities, sampleDropBits, dropBitsKeep, expectedKeptLevels, learnedBits } from './quantizers/drop-bits';
export { esbQuantize } from './quantizers/esb-quantize';
export { esbGrid, esbDefaultSignificantBits } from './quantizers/esb-grid';
export type { EsbGrid } from './quantizers/esb-grid';
export { esbDdaAlpha, esbDdaLambda } from './calibration/esb-dda';
export { abfpQuantize } from './quantizers/abfp-quantize';
export { pow2Step, roundToPow2 } from './quantizers/pow2-step';
export { sqErrors, sqProbabilities, sqQuantizedCount, sqSelect, SQ_DEFAULT_RATIOS, SQ_EPSILON } from './quantizers/sq-select';
export { sqHybridWeight } from './quantizers/sq-hybrid';
export { Quantizer } from './quantizer';
export type { QuantizerOptions, QuantizeCallOptions } from './quantizer';
export { inherit } from './inherit';
export { calibrate, CALIBRATION_METHODS } from './calibration/calibrate';
export type { CalibrationMethod, CalibrationOptions } from './calibration/calibrate';
export { multiTensorApproximation, relativeSquaredError } from './calibration/multi-tensor';
export type { MultiTensorOptions, MultiTensorTerm, MultiTensorApproximation } from './calibration/multi-tensor';
export { poorlyApproximated } from './calibration/multi-tensor-criterion';
export type { TensorFit } from './calibration/multi-tensor-criterion';
export { encodeUniform, decodeUniform } from './uniform-codec';
export type { UniformParams } from './uniform-codec';
export { FORMAT_NAMES } from './formats/number-format';
export type { FormatName, FormatSpec, EncodeOptions, EncodedTensor, NumberFormat, FakeQuantConfig, StepInit } from './formats/number-format';
export { getFormat } from './formats/registry';
export { reconstructionError, meanSquaredError } from './formats/reconstruction-error';
export type { ReconstructionResult } from './formats/reconstruction-error';
export { pack } from './packing/pack-bits';
export type { PackOptions } from './packing/pack-bits';
export { unpack } from './packing/unpack-bits';
export type { UnpackOptions } from './packing/unpack-bits';
export { exportWeights } from './export/export-weights';
export type { IntegerWeights } from './export/export-weights';
export {
  InvalidBitsError,
  InvalidQuantOptionError,
  StepShapeError,
  ChannelSliceError,
  StepNotInitialisedError,
  PackRangeError,
  PackedLengthError,
  ShapeMismatchError,
} from './errors';
// Compression beyond uniform levels: ALQ's binary bases, VQ's codebooks (the tensors, their decoding and bytes).
export * from './compress';
export { analogMatmul } from './analog/analog-matmul';
export type { AnalogMatmulOptions } from './analog/analog-matmul';
export { analogDevice, ANALOG_DEFAULTS, ANALOG_IDEAL_BITS } from './analog/analog-device';
export type { AnalogDevice } from './analog/analog-device';
export { PRESET_NAMES } from './presets/deployment-preset';
export type { PresetName, DeploymentPreset, TensorScheme, ActivationScheme } from './presets/deployment-preset';
export { getPreset, isPresetName, presetSummary } from './presets/registry';
export { presetLayerQuant, presetFormatProblem, presetExportProblem } from './presets/preset-checks';
export type { PresetLayerQuant, PresetExportFacts } from './presets/preset-checks';
export {
  appQ8, fineQ8, rangeQ8, hswishInputQ8, widenQ8, unionQ8, addendQ8, seInputQ8, poolInputQ8, integerWeightScale, biasUnit,
  HSIGMOID_INPUT_Q, GATE_Q, HSIGMOID_TABLE_Q, WIDEN, WEIGHT_CODE_GAIN, MIN_Q8_STEP, GAP_MAX_RATIO, forcedPoolQ8,
} from './presets/integer-requant';
export type { Q8, Q8Source } from './presets/integer-requant';
export { fakeQuantQ8, hsigmoidTableQ8 } from './presets/integer-requant-ops';
