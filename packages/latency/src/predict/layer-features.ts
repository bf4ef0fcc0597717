import { effectiveBits } from '../devices/device-names';
import { ACTIVATIONS, OPS, type LayerDesc } from '../ir/layer-desc';
import { layerFigures, layerParams } from '../ir/layer-figures';

/**
 * Feature names, in vector order. Every feature is a function of the layer's
 * lookup key (lut/layer-key.ts), so predictions can be cached per key.
 * Version them with the model: a predictor stores this list and refuses a
 * different one.
 */
export const LAYER_FEATURES = [
  'op',
  'log2Macs',
  'log2InElems',
  'log2OutElems',
  'log2Weights',
  'log2WeightBytes',
  'log2ActBytes',
  'log2Reduction',
  'inH',
  'outH',
  'inC',
  'outC',
  'kernel',
  'stride',
  'depthwise',
  'wBits',
  'aBits',
  'act',
] as const;

export const FEATURE_COUNT = LAYER_FEATURES.length;

const OP_CODE = new Map<string, number>(OPS.map((op, i) => [op, i]));
const ACT_CODE = new Map<string, number>(ACTIVATIONS.map((a, i) => [a, i]));

/** Writes the feature vector of `layer` (bits as `device` computes them) into `out`. */
export function layerFeatures(layer: LayerDesc, device: string, out: Float64Array = new Float64Array(FEATURE_COUNT)): Float64Array {
  const wBits = effectiveBits(device, layer.wBits);
  const aBits = effectiveBits(device, layer.aBits);
  const f = layerFigures({ ...layer, wBits, aBits });
  const inElems = (f.inputBytes * 8) / aBits;
  const outElems = (f.outputBytes * 8) / aBits;
  const { weights } = layerParams(layer);
  out[0] = OP_CODE.get(layer.op)!;
  out[1] = Math.log2(f.macs + 1);
  out[2] = Math.log2(inElems + 1);
  out[3] = Math.log2(outElems + 1);
  out[4] = Math.log2(weights + 1);
  out[5] = Math.log2(f.weightBytes + 1);
  out[6] = Math.log2(f.inputBytes + f.outputBytes + 1);
  out[7] = Math.log2(f.macs / Math.max(1, outElems) + 1);
  out[8] = layer.inH;
  out[9] = f.outH;
  out[10] = layer.inC;
  out[11] = layer.outC;
  out[12] = layer.kernel;
  out[13] = layer.stride;
  out[14] = layer.op === 'dwconv' || (layer.groups > 1 && layer.groups === layer.inC) ? 1 : 0;
  out[15] = wBits;
  out[16] = aBits;
  out[17] = ACT_CODE.get(layer.act ?? 'none')!;
  return out;
}

/** Work proxies of the linear prior: MACs (millions) and bytes moved (MB) at the device's precision. */
export function layerWork(layer: LayerDesc, device: string): { mmacs: number; mbytes: number } {
  const wBits = effectiveBits(device, layer.wBits);
  const aBits = effectiveBits(device, layer.aBits);
  const f = layerFigures({ ...layer, wBits, aBits });
  return { mmacs: (f.macs + f.elementOps) / 1e6, mbytes: (f.inputBytes + f.outputBytes + f.weightBytes) / 1e6 };
}
