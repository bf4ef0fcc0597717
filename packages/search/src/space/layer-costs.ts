import type { LayerDesc } from '@oqat/latency';

export interface SubnetCosts {
  /** multiply-accumulates of convs and fcs */
  macs: number;
  /** weights plus one bias per output channel (BN folded) */
  params: number;
  /** weights at their bit width, biases as float32 */
  modelBytes: number;
  /** OQAT's count: quantized MACs x wBits x aBits / 64, plus float MACs */
  bitOps: number;
}

function outSize(l: LayerDesc): number {
  const h = l.outH ?? Math.ceil(l.inH / l.stride);
  const w = l.outW ?? Math.ceil(l.inW / l.stride);
  return h * w;
}

/** MACs and weight count of one layer; zero for layers without weights (pool, add, mul). */
export function layerMacsAndWeights(l: LayerDesc): { macs: number; weights: number } {
  switch (l.op) {
    case 'conv':
    case 'dwconv': {
      const weights = l.kernel * l.kernel * (l.inC / l.groups) * l.outC;
      return { macs: weights * outSize(l), weights };
    }
    case 'fc':
      return { macs: l.inC * l.outC * l.inH * l.inW, weights: l.inC * l.outC };
    default:
      return { macs: 0, weights: 0 };
  }
}

/** Sums the cost measures of a lowered network (see lowerSubnet). */
export function subnetCosts(layers: readonly LayerDesc[]): SubnetCosts {
  const total: SubnetCosts = { macs: 0, params: 0, modelBytes: 0, bitOps: 0 };
  for (const l of layers) {
    const { macs, weights } = layerMacsAndWeights(l);
    if (weights === 0) continue;
    total.macs += macs;
    total.params += weights + l.outC;
    total.modelBytes += (weights * Math.min(l.wBits, 32)) / 8 + l.outC * 4;
    const quantized = l.wBits < 32 && l.aBits < 32;
    total.bitOps += quantized ? (macs * l.wBits * l.aBits) / 64 : macs;
  }
  return total;
}
