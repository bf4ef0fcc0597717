import type { LayerDesc } from '../ir/layer-desc';
import type { PredictorJsonBase } from './cost-model';
import { PrecisionBoundaries } from './precision-boundaries';

/**
 * The network formula of the per-layer predictors (lookup table and learned):
 * constantMs + scale * the sum of the layers' estimates + convertMsPerMelem *
 * the activation Melems converted at precision boundaries. Each model keeps
 * one, built with its own (cached) per-layer estimate.
 */
export class NetworkSum {
  private readonly boundaries: PrecisionBoundaries;
  private readonly convert: number;

  constructor(
    private readonly json: PredictorJsonBase,
    private readonly layerMs: (layer: LayerDesc) => number,
  ) {
    this.boundaries = new PrecisionBoundaries(json.device);
    this.convert = json.convertMsPerMelem ?? 0;
  }

  estimateMs(layers: readonly LayerDesc[]): number {
    let sum = 0;
    for (let i = 0; i < layers.length; i++) sum += this.layerMs(layers[i]!);
    const convert = this.convert > 0 ? this.convert * this.boundaries.melems(layers) : 0;
    return this.json.constantMs + this.json.scale * sum + convert;
  }
}
