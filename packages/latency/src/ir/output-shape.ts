import { sameOutputSize } from '@oqat/onnx';
import type { LayerDesc } from './layer-desc';

/**
 * Output height/width of a layer: the explicit outH/outW when present, else
 * 'same' padding (ceil(in / stride)) for conv, dwconv and pools, 1 for fc,
 * in x stride for upsample (the scale factor), the input size otherwise.
 */
export function outputHeight(layer: LayerDesc): number {
  return layer.outH ?? derived(layer, layer.inH);
}

export function outputWidth(layer: LayerDesc): number {
  return layer.outW ?? derived(layer, layer.inW);
}

function derived(layer: LayerDesc, size: number): number {
  switch (layer.op) {
    case 'conv':
    case 'dwconv':
    case 'avgpool':
    case 'maxpool':
      return sameOutputSize(size, layer.stride);
    case 'fc':
      return 1;
    case 'upsample':
      return size * layer.stride;
    default:
      return size;
  }
}

/**
 * Squeeze channels of an 'se' layer with C channels: once-for-all's
 * make_divisible(C / 4, 8) (at least 8, never below 90 % of C / 4).
 */
export function seMidChannels(channels: number): number {
  const v = channels / 4;
  let mid = Math.max(8, Math.floor((v + 4) / 8) * 8);
  if (mid < 0.9 * v) mid += 8;
  return mid;
}

/** The second operand's channel count of a binary op (add/mul: inC, concat: outC - inC), 0 otherwise. */
export function secondOperandChannels(layer: LayerDesc): number {
  if (layer.op === 'add' || layer.op === 'mul') return layer.inC;
  if (layer.op === 'concat') return layer.outC - layer.inC;
  return 0;
}
