import type { StaticQuantConfig } from '../static/static-layer';
import type { StaticMobileNetConfig } from '../static/static-mobilenet';

/**
 * A static subnet as a format-neutral inference graph: batch norm folded,
 * every weight on the host with its integer codes, every activation
 * quantizer frozen. The tfjs, ONNX and packed writers each walk this one
 * list, so the three files describe the same arithmetic.
 *
 * Values are named strings; shapes are NHWC ([N, H, W, C]) or [N, F].
 */

/** Activation functions as the app computes them (activation.ts). */
export type ExportActivation = 'relu' | 'relu6' | 'hswish' | 'hsigmoid';

/** A weight exactly as the app multiplies with it. */
export interface ExportWeight {
  /** tfjs layout: conv [k, k, in, out], depthwise [k, k, C, 1], linear [in, out] */
  shape: number[];
  /** the fake-quantized weight the app uses (codes·step), or the float weight of a float layer */
  values: Float32Array;
  /** present when quantized: values[i] = codes[i]·quant.step */
  quant?: StaticQuantConfig;
  codes?: Int32Array;
}

interface NodeBase {
  /** layer name in the static network ('blocks.2.dw'), or a derived name */
  name: string;
  output: string;
}

/**
 * A conv with its batch norm folded: y = conv(q(x), W)·channelScale + bias,
 * where W is `weight.values`, i.e. the fold keeps the integer weight grid and
 * carries BN as a per-output-channel multiplier.
 */
export interface ConvNode extends NodeBase {
  kind: 'conv';
  input: string;
  depthwise: boolean;
  kernel: number;
  stride: number;
  inC: number;
  outC: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  weight: ExportWeight;
  inputQuant?: StaticQuantConfig;
  /** γ/√(σ²+ε) per output channel */
  channelScale: Float32Array;
  /** β − μ·γ/√(σ²+ε) per output channel */
  bias: Float32Array;
}

/** y = q(x)·W + bias, x: [N, inF]. */
export interface LinearNode extends NodeBase {
  kind: 'linear';
  input: string;
  inF: number;
  outF: number;
  weight: ExportWeight;
  inputQuant?: StaticQuantConfig;
  bias: Float32Array;
}

export interface ActivationNode extends NodeBase {
  kind: 'activation';
  fn: ExportActivation;
  input: string;
}

/** Mean over H and W: [N, H, W, C] -> [N, C]. */
export interface PoolNode extends NodeBase {
  kind: 'global-avg-pool';
  input: string;
  channels: number;
}

export interface AddNode extends NodeBase {
  kind: 'add';
  inputs: [string, string];
}

/** Squeeze-excite scaling: x [N, H, W, C] times gate [N, C]. */
export interface ChannelMulNode extends NodeBase {
  kind: 'channel-mul';
  input: string;
  gate: string;
  channels: number;
}

/** Bilinear resize to size x size (TF's legacy mapping: no corner alignment, no half-pixel centres). */
export interface ResizeNode extends NodeBase {
  kind: 'resize';
  input: string;
  size: number;
}

export type ExportNode = ConvNode | LinearNode | ActivationNode | PoolNode | AddNode | ChannelMulNode | ResizeNode;

export interface ExportGraph {
  /** the input value's name: normalized images [N, H, W, C], any H and W */
  input: string;
  /** the logits value's name, [N, numClasses] */
  output: string;
  inputC: number;
  resolution: number;
  numClasses: number;
  nodes: ExportNode[];
  /** the static network's config (structure and frozen steps) */
  config: StaticMobileNetConfig;
}

/** Layers that carry weights, in execution order. */
export function weightNodes(graph: ExportGraph): Array<ConvNode | LinearNode> {
  return graph.nodes.filter((n): n is ConvNode | LinearNode => n.kind === 'conv' || n.kind === 'linear');
}
