// MMSE post-training quantization (Choukroun et al. 2019) of a float subnet: calibration of every layer's
// weights and inputs by min-max, percentile or least squared error, and the multi-tensor approximation.
export { ptqSubject, calibrateSubject, ptqNetwork, staticTop1, staticWeightBytes, type PtqSubject } from './post-training-quantize';
export { calibrateNetwork, type PtqCalibrationResult, type PtqLayerReport } from './calibrate-network';
export { PTQ_CALIBRATIONS, PTQ_GRANULARITIES, PTQ_MULTI_TENSOR_DEFAULTS, type PtqCalibration, type PtqGranularity, type PtqSettings } from './ptq-settings';
