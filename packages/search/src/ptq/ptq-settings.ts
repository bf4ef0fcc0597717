/** How each tensor's range is chosen: its extremes, a percentile of |x|, or the least squared error (MMSE). */
export type PtqCalibration = 'min-max' | 'percentile' | 'mse';
export const PTQ_CALIBRATIONS: readonly PtqCalibration[] = ['min-max', 'percentile', 'mse'];
/** Weights: one step per tensor or per output channel (activations: always per tensor, as the paper's hardware does). */
export type PtqGranularity = 'tensor' | 'channel';
export const PTQ_GRANULARITIES: readonly PtqGranularity[] = ['tensor', 'channel'];

export interface PtqSettings {
  /** the elastic layers' bits, weights and inputs: 8 (INT8) or 4 (INT4); 2..8 accepted */
  bits: number;
  /** the fixed layers' (stem, squeeze-excite, classifier) bits: the checkpoint's fixed precision, 8 or 32 */
  fixedBits: 8 | 32;
  granularity: PtqGranularity;
  calibration: PtqCalibration;
  /** 'percentile' only: of |x| (weights, signed inputs) or of x; default 99.99 */
  percentile?: number;
  /**
   * MMSE's multiple low-precision tensors: the weights of the layers the
   * criterion finds poorly approximated (relative error over `factor` × the
   * network's median) become a sum of `terms` tensors. Absent: one tensor each.
   */
  multiTensor?: { terms: number; factor: number };
}

/** MMSE multi-tensor defaults: two tensors (the paper's dual approximation) for layers twice as badly fitted as the median. */
export const PTQ_MULTI_TENSOR_DEFAULTS = { terms: 2, factor: 2 } as const;
