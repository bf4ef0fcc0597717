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

/** MobileNet's channel rounding: nearest multiple of `divisor`, never below 90 % of v. */
export function makeDivisible(v: number, divisor: number): number {
  const rounded = Math.max(divisor, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor));
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

/**
 * Hidden (squeeze) width of an 'se' layer with C channels, once-for-all's
 * make_divisible(C / 4, 8): the one rule the supernet's SE, the layer IR's
 * costs, the simulators and the profilers use.
 */
export function seHiddenChannels(channels: number): number {
  return makeDivisible(channels / 4, 8);
}

/** The second operand's channel count of a binary op (add/mul: inC, concat: outC - inC), 0 otherwise. */
export function secondOperandChannels(layer: LayerDesc): number {
  if (layer.op === 'add' || layer.op === 'mul') return layer.inC;
  if (layer.op === 'concat') return layer.outC - layer.inC;
  return 0;
}
