import type { LayerDesc } from './layer-desc';
import { outputHeight, outputWidth, secondOperandChannels, seHiddenChannels } from './output-shape';

/** Cost figures of one layer. Bytes are at the layer's bit widths (32 = float). */
export interface LayerFigures {
  /** multiply-accumulates of conv, dwconv, fc and the two se convs */
  macs: number;
  /** element-wise work: pool window reads, add/mul/activation/upsample/concat outputs, se pool + scale */
  elementOps: number;
  /** weights + biases */
  params: number;
  /** weights at wBits, biases at 32 bits */
  weightBytes: number;
  /** input activations (both operands of add/mul/concat) at aBits */
  inputBytes: number;
  /** output activations at aBits */
  outputBytes: number;
  /** quantized MACs x wBits x aBits / 64, or MACs for a float layer (OQAT's count) */
  bitOps: number;
  outH: number;
  outW: number;
}

/** A layer is quantized when both its weights and activations are below 32 bits. */
export function isQuantized(layer: LayerDesc): boolean {
  return layer.wBits < 32 && layer.aBits < 32;
}

/** Weight and bias counts of a layer. */
export function layerParams(layer: LayerDesc): { weights: number; biases: number } {
  const { op, inC, outC, groups, kernel } = layer;
  switch (op) {
    case 'conv':
    case 'dwconv':
      return { weights: outC * (inC / groups) * kernel * kernel, biases: outC };
    case 'fc':
      return { weights: layer.inH * layer.inW * inC * outC, biases: outC };
    case 'se': {
      const mid = seHiddenChannels(inC);
      return { weights: 2 * inC * mid, biases: mid + inC };
    }
    default:
      return { weights: 0, biases: 0 };
  }
}

export function layerMacs(layer: LayerDesc): number {
  const { op, inC, outC, groups, kernel } = layer;
  switch (op) {
    case 'conv':
    case 'dwconv':
      return outputHeight(layer) * outputWidth(layer) * outC * (inC / groups) * kernel * kernel;
    case 'fc':
      return layer.inH * layer.inW * inC * outC;
    case 'se':
      return 2 * inC * seHiddenChannels(inC);
    default:
      return 0;
  }
}

export function layerFigures(layer: LayerDesc): LayerFigures {
  const outH = outputHeight(layer);
  const outW = outputWidth(layer);
  const inElems = layer.inH * layer.inW * (layer.inC + secondOperandChannels(layer));
  const outElems = outH * outW * layer.outC;
  const macs = layerMacs(layer);
  const { weights, biases } = layerParams(layer);
  let elementOps = 0;
  switch (layer.op) {
    case 'avgpool':
    case 'maxpool':
      elementOps = outElems * layer.kernel * layer.kernel;
      break;
    case 'se':
      elementOps = 2 * layer.inH * layer.inW * layer.inC;
      break;
    case 'add':
    case 'mul':
    case 'activation':
    case 'upsample':
    case 'concat':
      elementOps = outElems;
      break;
    default:
      elementOps = 0;
  }
  return {
    macs,
    elementOps,
    params: weights + biases,
    weightBytes: (weights * layer.wBits) / 8 + biases * 4,
    inputBytes: (inElems * layer.aBits) / 8,
    outputBytes: (outElems * layer.aBits) / 8,
    bitOps: isQuantized(layer) ? (macs * layer.wBits * layer.aBits) / 64 : macs,
    outH,
    outW,
  };
}
