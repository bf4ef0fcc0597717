export type { VqTensor } from './vq-tensor';
export {
  VQ_MAX_CODEWORDS,
  vqBytes,
  vqIndexBitsPerWeight,
  decodeVq,
  assertVqTensor,
  vqGeometry,
  vqElementOffsets,
  vqCodebookValues,
} from './vq-tensor';
export { toFloat16Bits, fromFloat16Bits, roundToFloat16 } from './float16';
export { vqInputGram, vqGramAccumulator, accumulateVqInputGram, vqGramMean, vqGramRows } from './vq-gram';
export type { VqGramAccumulator } from './vq-gram';
export { fitVq, assignVq, vqOutputError, vqSubVectors } from './vq-em';
export type { VqEmOptions, VqEmResult } from './vq-em';
export { vqLayerPlan } from './vq-plan';
export type { VqPlanOptions, VqLayerPlan } from './vq-plan';
