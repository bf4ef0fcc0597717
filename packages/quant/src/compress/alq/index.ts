// ALQ (adaptive loss-aware quantization, Qu et al., CVPR 2020): multi-bit binary bases per group, pure Float32Array math.
export type { AlqTensor } from './alq-tensor';
export { ALQ_MAX_BASES, alqBytes, alqAverageBits, decodeAlq, decodeAlqGrouped, assertAlqTensor, alqGroupCount, alqGroupLength } from './alq-tensor';
export type { AlqState } from './alq-state';
export {
  emptyAlqState,
  alqStateToGrouped,
  alqStateFromGrouped,
  alqReconstructGrouped,
  reconstructAlq,
  alqActiveCount,
  alqSignBits,
  alqNetworkBits,
  alqTensorOf,
  alqStateBytes,
} from './alq-state';
export { alqFitCoefficients, alqNearestCodes } from './alq-fit';
export { initAlq, ALQ_INIT_RESIDUAL } from './alq-init';
export type { AlqInitOptions } from './alq-init';
export {
  ALQ_ADAM,
  createAlqMoments,
  updateAlqMoments,
  alqQuadraticModel,
  alqAlphaDomain,
  alqAlphaCurvature,
  alqAlphaMomentsFrom,
  alqBasisStep,
  alqCoefficientStep,
  alqPruneImportance,
  alqPruneToTarget,
} from './alq-loss-aware';
export type { AlqMoments, AlqAdamOptions, AlqPruneOptions } from './alq-loss-aware';
export { alqStructure, ALQ_PIXELWISE_MIN_CHANNELS, ALQ_MAX_SUBCHANNEL } from './alq-structure';
export type { AlqStructure, AlqStructureName } from './alq-structure';
