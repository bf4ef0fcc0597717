import { networkFigures, type LayerDesc } from '@oqat/latency';

export interface SubnetCosts {
  /** multiply-accumulates of convs, fcs and squeeze-excite */
  macs: number;
  /** weights plus biases (BN folded into a bias) */
  params: number;
  /** weights at their bit width, biases as float32 */
  modelBytes: number;
  /** OQAT's count: quantized MACs x wBits x aBits / 64, plus float MACs */
  bitOps: number;
}

/** Cost measures of a lowered network (see lowerSubnet), counted by @oqat/latency's networkFigures. */
export function subnetCosts(layers: readonly LayerDesc[]): SubnetCosts {
  const f = networkFigures(layers);
  return { macs: f.macs, params: f.params, modelBytes: f.weightBytes, bitOps: f.bitOps };
}
