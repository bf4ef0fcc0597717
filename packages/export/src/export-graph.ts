import type { StaticMobileNetConfig, StaticQuantConfig, StaticSegmentationNetConfig } from '@oqat/search';

/**
 * A static subnet as a format-neutral inference graph: batch norm folded,
 * every weight on the host with its integer codes, every activation
 * quantizer frozen. The tfjs, ONNX and packed writers each walk this one
 * list, so the three files describe the same arithmetic.
 *
 * Values are named strings; shapes are NHWC ([N, H, W, C]) or [N, F].
 */

/** Activation functions as the app computes them (activation.ts; sigmoid: the segmentation head's gate). */
export type ExportActivation = 'relu' | 'relu6' | 'hswish' | 'hsigmoid' | 'sigmoid';

/** A weight exactly as the app multiplies with it. */
export interface ExportWeight {
  /** tfjs layout: conv [k, k, in, out], depthwise [k, k, C, 1], linear [in, out] */
  shape: number[];
  /** the fake-quantized weight the app uses (codes·step), or the float weight of a float layer */
  values: Float32Array;
  /** present when quantized: values[i] = codes[i]·quant.step */
  quant?: StaticQuantConfig;
  codes?: Int32Array;
  /** abfp: one power-of-two exponent per block of quant.blockSize consecutive values: values[i] = codes[i]·quant.step·2^exponents[⌊i/blockSize⌋] */
  exponents?: Int8Array;
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

/** y = q(x)·W + bias, x: [N, inF], or with `pixels` at every pixel of x: [N, h, w, inF] (a 1x1 conv with bias). */
export interface LinearNode extends NodeBase {
  kind: 'linear';
  input: string;
  inF: number;
  outF: number;
  pixels?: { h: number; w: number };
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

/** Elementwise product of two maps of the same shape. */
export interface MulNode extends NodeBase {
  kind: 'mul';
  inputs: [string, string];
}

/**
 * Separable linear resampling [N, inH, inW, C] -> [N, outH, outW, C]:
 * y[n, Y, X, c] = Σ_j cols[X, j] · (Σ_i rows[Y, i] · x[n, i, j, c]), rows
 * first (the segmentation head's bilinear upsampling, as matrix products).
 */
export interface ResampleNode extends NodeBase {
  kind: 'resample';
  input: string;
  channels: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  /** row weights [outH, inH], row-major */
  rows: Float32Array;
  /** column weights [outW, inW], row-major */
  cols: Float32Array;
}

export type ExportNode = ConvNode | LinearNode | ActivationNode | PoolNode | AddNode | ChannelMulNode | ResizeNode | MulNode | ResampleNode;

export type ExportTask = 'classification' | 'segmentation';

export interface ExportGraph {
  task: ExportTask;
  /** the input value's name: normalized images [N, H, W, C], any H and W (segmentation: imageSize) */
  input: string;
  /** the logits value's name: [N, numClasses], or [N, H, W, numClasses] for segmentation */
  output: string;
  inputC: number;
  resolution: number;
  numClasses: number;
  /** segmentation: the fixed [height, width] of input images and output logits (the upsampling weights depend on it) */
  imageSize?: [number, number];
  nodes: ExportNode[];
  /** the static network's config (structure and frozen steps) */
  config: StaticMobileNetConfig | StaticSegmentationNetConfig;
}

/** Resampling weights in the graph, as float32 values (constants of the float and packed models alike). */
export function resampleValues(graph: ExportGraph): number {
  return graph.nodes.reduce((a, n) => a + (n.kind === 'resample' ? n.rows.length + n.cols.length : 0), 0);
}

/** Layers that carry weights, in execution order. */
export function weightNodes(graph: ExportGraph): Array<ConvNode | LinearNode> {
  return graph.nodes.filter((n): n is ConvNode | LinearNode => n.kind === 'conv' || n.kind === 'linear');
}

/** One weight layer's precision: bits of its weights and of its input (32: float). */
export interface ExportLayerBits {
  /** the layer's name in the static network ('blocks.2.dw', 'head.classifier') */
  layer: string;
  /** its name in the supernet ('stages.1.0.dw'), as SubnetSpec.bitsByLayer keys it */
  subnetLayer: string;
  weightBits: number;
  inputBits: number;
}

/** Every weight layer's bits, in execution order: a mixed subnet's per-layer precision as the files carry it. */
export function layerBits(graph: ExportGraph): ExportLayerBits[] {
  return weightNodes(graph).map((n) => ({
    layer: n.name, subnetLayer: subnetLayerName(graph.config, n.name), weightBits: n.weight.quant?.bits ?? 32, inputBits: n.inputQuant?.bits ?? 32,
  }));
}

/**
 * The supernet's name of a static network's layer: its blocks are numbered
 * in forward order ('blocks.3.dw'), the supernet names them by stage
 * ('stages.1.0.dw', 'first.dw'); layers outside the blocks share one name.
 */
export function subnetLayerName(config: ExportGraph['config'], layer: string): string {
  const m = /^blocks\.(\d+)\.(.+)$/.exec(layer);
  const depths = config.subnet?.depths;
  if (!m || !depths) return layer;
  const first = config.blocks.length - depths.reduce((a, d) => a + d, 0);
  let k = Number(m[1]);
  if (k < first) return `first.${m[2]}`;
  k -= first;
  const stage = depths.findIndex((d) => (k -= d) < 0);
  return `stages.${stage}.${k + depths[stage]!}.${m[2]}`;
}
