import type { Tensor } from '@oqat/engine';
import type { FormatName } from '@oqat/quant';

/** Tensors of a static network by dotted name ('stages.1.0.dw.weight'). */
export type WeightMap = Map<string, Tensor>;

/** Fixed fake quantization of a static layer: the step a supernet learned, frozen. */
export interface StaticQuantConfig {
  bits: number;
  signed: boolean;
  /** the step of the whole tensor (with channelSteps: unused by the arithmetic, kept as their mean for readers that show one) */
  step: number;
  /** one step per output channel (a weight's last axis), when quantized per channel */
  channelSteps?: number[];
  /** the number format of @oqat/quant the step quantizes to; absent: 'uniform' */
  format?: FormatName;
  /** esb: significant bits k */
  significantBits?: number;
  /** abfp: values per block sharing one exponent */
  blockSize?: number;
  /**
   * MMSE's multiple low-precision tensors: the next tensor of a sum, which
   * quantizes what this one leaves (x − q(x)); the layer computes with
   * q(x) + residual(x − q(x)), i.e. one convolution per tensor, added.
   */
  residual?: StaticQuantConfig;
}

/** What every static layer provides: a config that round-trips, and its named tensors. */
export interface StaticLayer<C extends { type: string }> {
  readonly name: string;
  toConfig(): C;
  /** the layer's tensors (weights, biases, BN statistics) keyed by full name */
  weights(): WeightMap;
  dispose(): void;
}

/** A weight from the map (owned by the layer from then on), or a fresh one. */
export function takeWeight(weights: WeightMap | undefined, key: string, init: () => Tensor): Tensor {
  return weights?.get(key) ?? init();
}
