import type { Tensor } from '@oqat/engine';

/** Tensors of a static network by dotted name ('stages.1.0.dw.weight'). */
export type WeightMap = Map<string, Tensor>;

/** Fixed fake quantization of a static layer: the step a supernet learned, frozen. */
export interface StaticQuantConfig {
  bits: number;
  signed: boolean;
  step: number;
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
