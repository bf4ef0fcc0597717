import type { LayerDesc } from './layer-desc';
import { layerFigures } from './layer-figures';

export interface NetworkFigures {
  layers: number;
  macs: number;
  params: number;
  /** model size: weights at their bit widths, biases at 32 bits */
  weightBytes: number;
  /** sum of every layer's output activations at its aBits */
  activationBytes: number;
  /** largest input + output activation bytes of any one layer */
  peakActivationBytes: number;
  bitOps: number;
}

export function networkFigures(layers: readonly LayerDesc[]): NetworkFigures {
  const total: NetworkFigures = { layers: layers.length, macs: 0, params: 0, weightBytes: 0, activationBytes: 0, peakActivationBytes: 0, bitOps: 0 };
  for (const layer of layers) {
    const f = layerFigures(layer);
    total.macs += f.macs;
    total.params += f.params;
    total.weightBytes += f.weightBytes;
    total.activationBytes += f.outputBytes;
    total.peakActivationBytes = Math.max(total.peakActivationBytes, f.inputBytes + f.outputBytes);
    total.bitOps += f.bitOps;
  }
  return total;
}
