import { esbGrid, quantRange } from '@oqat/quant';
import type { StaticQuantConfig } from '@oqat/search';
import type { ConvNode, ExportActivation, ExportGraph, LinearNode, ResampleNode } from './export-graph';
import { tfAttr, TfGraphWriter, type TfNode, type TfWeightSpec } from './tf-graph-writer';
import { ExportInternalError } from './errors';

export const TFJS_MODEL_FILE = 'model.json';
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** The model.json of a tfjs graph model (what tf.loadGraphModel reads). */
export interface TfjsModelJson {
  format: 'graph-model';
  generatedBy: string;
  convertedBy: string;
  modelTopology: { node: TfNode[]; library: Record<string, never>; versions: { producer: number } };
  weightsManifest: Array<{ paths: string[]; weights: TfWeightSpec[] }>;
  signature: {
    inputs: Record<string, { name: string; dtype: string; tensorShape: { dim: Array<{ size: string }> } }>;
    outputs: Record<string, { name: string; dtype: string; tensorShape: { dim: Array<{ size: string }> } }>;
  };
  userDefinedMetadata: Record<string, unknown>;
}

export interface TfjsModel {
  modelJson: TfjsModelJson;
  weightData: Uint8Array;
}

const dims = (d: readonly number[]): { dim: Array<{ size: string }> } => ({ dim: d.map((v) => ({ size: String(v) })) });

/**
 * The export graph as a tfjs graph model: TensorFlow ops (Conv2D,
 * DepthwiseConv2dNative, BiasAdd, MatMul, Relu/Relu6, AddV2, Mul, RealDiv,
 * Mean, Reshape, Transpose, ResizeBilinear, Sigmoid), activation fake quantization spelled out as
 * RealDiv -> Round -> Maximum -> Minimum -> Mul (the app's LSQ forward),
 * weights stored already fake-quantized with BN folded in. Input: normalized
 * NHWC images of any size (resized inside to the subnet's resolution);
 * output 'logits' [N, classes]. A segmentation graph takes images of its
 * fixed imageSize and outputs 'logits' [N, H, W, classes], its per-pixel
 * layers and upsamplings computed with the same reshapes and MatMuls as the app.
 */
export function tfjsGraphModel(graph: ExportGraph, metadata: Record<string, unknown> = {}): TfjsModel {
  const g = new TfGraphWriter();
  const T = { T: tfAttr.float() };
  const values = new Map<string, string>();
  const ref = (value: string): string => {
    const node = values.get(value);
    if (!node) throw new ExportInternalError('tfjsGraphModel', `value '${value}' is used before it is defined`);
    return node;
  };
  const [height, width] = graph.imageSize ?? [-1, -1];
  values.set(graph.input, g.placeholder(graph.input, [-1, height, width, graph.inputC]));
  const ints = (name: string, v: readonly number[]): string => g.constant(name, Int32Array.from(v), [v.length]);
  const reshape = (name: string, x: string, shape: readonly number[]): string =>
    g.op(name, 'Reshape', [x, ints(`${name}/shape`, shape)], { ...T, Tshape: tfAttr.int32() });
  const transpose = (name: string, x: string, perm: readonly number[]): string =>
    g.op(name, 'Transpose', [x, ints(`${name}/perm`, perm)], { ...T, Tperm: tfAttr.int32() });
  const matMul = (name: string, a: string, b: string): string =>
    g.op(name, 'MatMul', [a, b], { ...T, transpose_a: tfAttr.bool(false), transpose_b: tfAttr.bool(false) });

  /**
   * ESB input quantization with the app's own ops (@oqat/quant esbLevels):
   * m = |x/α| (relu unsigned), p = floor(log2 max(m, 1)) nudged so 2^p <= m < 2^(p+1),
   * spacing 2^relu(p - (k-1)), level = min(round(m/spacing)·spacing, maxLevel), ·sign, ·α.
   */
  const esbFakeQuant = (name: string, x: string, q: StaticQuantConfig): string => {
    const grid = esbGrid(q.bits, q.signed, q.significantBits);
    const op = (suffix: string, type: string, inputs: string[]): string => g.op(`${name}/${suffix}`, type, inputs, T);
    const alpha = g.scalar(q.step);
    const two = g.scalar(2);
    const v = op('div', 'RealDiv', [x, alpha]);
    const m = op('magnitude', q.signed ? 'Abs' : 'Relu', [v]);
    const atLeast1 = op('at_least_1', 'Maximum', [m, g.scalar(1)]);
    const p0 = op('log2_floor', 'Floor', [op('log2', 'RealDiv', [op('log', 'Log', [atLeast1]), g.scalar(Math.LN2)])]);
    const tooHigh = g.op(`${name}/too_high`, 'Greater', [op('pow_p', 'Pow', [two, p0]), atLeast1], T);
    const p1 = op('p_down', 'SelectV2', [tooHigh, op('p_minus_1', 'Sub', [p0, g.scalar(1)]), p0]);
    const p1Up = op('p_plus_1', 'AddV2', [p1, g.scalar(1)]);
    const tooLow = g.op(`${name}/too_low`, 'LessEqual', [op('pow_p1', 'Pow', [two, p1Up]), atLeast1], T);
    const p = op('p_up', 'SelectV2', [tooLow, p1Up, p1]);
    const spacing = op('spacing', 'Pow', [two, op('shift', 'Relu', [op('p_minus_t', 'Sub', [p, g.scalar(grid.mantissaBits)])])]);
    const rounded = op('round', 'Round', [op('div_spacing', 'RealDiv', [m, spacing])]);
    const level = op('level', 'Minimum', [op('times_spacing', 'Mul', [rounded, spacing]), g.scalar(grid.maxLevel)]);
    const signedLevel = q.signed ? op('signed_level', 'Mul', [op('sign', 'Sign', [v]), level]) : level;
    return g.op(`${name}/mul`, 'Mul', [signedLevel, alpha], T);
  };
  const fakeQuant = (name: string, x: string, q: StaticQuantConfig): string => {
    if (q.format === 'esb') return esbFakeQuant(name, x, q);
    const { qn, qp } = quantRange(q.bits, q.signed);
    // Per-channel steps broadcast on the last axis (NHWC channels, a linear layer's features).
    const step = q.channelSteps ? g.constant(`${name}/steps`, Float32Array.from(q.channelSteps), [q.channelSteps.length]) : g.scalar(q.step);
    const scaled = g.op(`${name}/div`, 'RealDiv', [x, step], T);
    const rounded = g.op(`${name}/round`, 'Round', [scaled], T);
    const low = g.op(`${name}/max`, 'Maximum', [rounded, g.scalar(-qn)], T);
    const high = g.op(`${name}/min`, 'Minimum', [low, g.scalar(qp)], T);
    return g.op(`${name}/mul`, 'Mul', [high, step], T);
  };
  const activation = (name: string, x: string, fn: ExportActivation): string => {
    switch (fn) {
      case 'relu':
        return g.op(name, 'Relu', [x], T);
      case 'relu6':
        return g.op(name, 'Relu6', [x], T);
      case 'sigmoid':
        return g.op(name, 'Sigmoid', [x], T);
      case 'hsigmoid':
      case 'hswish': {
        const shifted = g.op(`${name}/add3`, 'AddV2', [x, g.scalar(3)], T);
        const clipped = g.op(`${name}/relu6`, 'Relu6', [shifted], T);
        const gate = g.op(fn === 'hsigmoid' ? name : `${name}/div6`, 'RealDiv', [clipped, g.scalar(6)], T);
        return fn === 'hsigmoid' ? gate : g.op(name, 'Mul', [x, gate], T);
      }
    }
  };
  const conv = (n: ConvNode): string => {
    const x = n.inputQuant ? fakeQuant(`${n.name}/input_quant`, ref(n.input), n.inputQuant) : ref(n.input);
    const c = n.outC;
    const folded = Float32Array.from(n.weight.values, (v, i) => v * n.channelScale[i % c]!);
    const w = g.constant(`${n.name}/weight`, folded, n.weight.shape);
    const attrs = {
      ...T, strides: tfAttr.ints([1, n.stride, n.stride, 1]), padding: tfAttr.string('SAME'),
      data_format: tfAttr.string('NHWC'), dilations: tfAttr.ints([1, 1, 1, 1]),
    };
    const y = g.op(`${n.name}/conv`, n.depthwise ? 'DepthwiseConv2dNative' : 'Conv2D', [x, w], attrs);
    const b = g.constant(`${n.name}/bias`, n.bias, [c]);
    return g.op(`${n.name}/bias_add`, 'BiasAdd', [y, b], { ...T, data_format: tfAttr.string('NHWC') });
  };
  /** A fully connected layer; with `pixels`, on the map's pixels as rows ([N·h·w, inF]), as the app computes it. */
  const linear = (n: LinearNode): string => {
    let x = n.inputQuant ? fakeQuant(`${n.name}/input_quant`, ref(n.input), n.inputQuant) : ref(n.input);
    if (n.pixels) x = reshape(`${n.name}/rows`, x, [-1, n.inF]);
    const y = matMul(`${n.name}/matmul`, x, g.constant(`${n.name}/weight`, n.weight.values, n.weight.shape));
    const b = g.constant(`${n.name}/bias`, n.bias, [n.outF]);
    const out = g.op(`${n.name}/bias_add`, 'BiasAdd', [y, b], { ...T, data_format: tfAttr.string('NHWC') });
    return n.pixels ? reshape(`${n.name}/map`, out, [-1, n.pixels.h, n.pixels.w, n.outF]) : out;
  };
  /** The app's resample (lr-aspp-head.ts): transposes, reshapes and two 2-D MatMuls, rows first. */
  const resample = (n: ResampleNode): string => {
    const c = n.channels;
    const rows = g.constant(`${n.name}/rows`, n.rows, [n.outH, n.inH]);
    const cols = g.constant(`${n.name}/cols`, n.cols, [n.outW, n.inW]);
    const byRow = matMul(`${n.name}/by_rows`, rows, reshape(`${n.name}/h_first`, transpose(`${n.name}/hnwc`, ref(n.input), [1, 0, 2, 3]), [n.inH, -1]));
    const wFirst = transpose(`${n.name}/wnhc`, reshape(`${n.name}/hnwc_out`, byRow, [n.outH, -1, n.inW, c]), [2, 1, 0, 3]);
    const byCol = matMul(`${n.name}/by_cols`, cols, reshape(`${n.name}/w_first`, wFirst, [n.inW, -1]));
    return transpose(n.name, reshape(`${n.name}/wnhc_out`, byCol, [n.outW, -1, n.outH, c]), [1, 2, 0, 3]);
  };

  for (const n of graph.nodes) {
    let out: string;
    switch (n.kind) {
      case 'resize': {
        const size = g.constant(`${n.name}/size`, Int32Array.of(n.size, n.size), [2]);
        out = g.op(n.name, 'ResizeBilinear', [ref(n.input), size], { ...T, align_corners: tfAttr.bool(false), half_pixel_centers: tfAttr.bool(false) });
        break;
      }
      case 'conv':
        out = conv(n);
        break;
      case 'linear':
        out = linear(n);
        break;
      case 'activation':
        out = activation(n.name, ref(n.input), n.fn);
        break;
      case 'global-avg-pool': {
        const axes = g.constant(`${n.name}/axes`, Int32Array.of(1, 2), [2]);
        out = g.op(n.name, 'Mean', [ref(n.input), axes], { ...T, Tidx: tfAttr.int32(), keep_dims: tfAttr.bool(false) });
        break;
      }
      case 'add':
        out = g.op(n.name, 'AddV2', [ref(n.inputs[0]), ref(n.inputs[1])], T);
        break;
      case 'channel-mul':
        out = g.op(n.name, 'Mul', [ref(n.input), reshape(`${n.name}/reshape`, ref(n.gate), [-1, 1, 1, n.channels])], T);
        break;
      case 'mul':
        out = g.op(n.name, 'Mul', [ref(n.inputs[0]), ref(n.inputs[1])], T);
        break;
      case 'resample':
        out = resample(n);
        break;
    }
    values.set(n.output, out);
  }
  g.op('logits', 'Identity', [ref(graph.output)], T);

  const modelJson: TfjsModelJson = {
    format: 'graph-model',
    generatedBy: 'oqat-studio',
    convertedBy: 'oqat-studio export (tfjs graph model writer)',
    modelTopology: { node: g.nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: g.weightSpecs() }],
    signature: {
      inputs: { images: { name: `${graph.input}:0`, dtype: 'DT_FLOAT', tensorShape: dims([-1, height, width, graph.inputC]) } },
      outputs: { logits: { name: 'logits:0', dtype: 'DT_FLOAT', tensorShape: dims(graph.imageSize ? [-1, height, width, graph.numClasses] : [-1, graph.numClasses]) } },
    },
    userDefinedMetadata: metadata,
  };
  return { modelJson, weightData: g.weightData() };
}
