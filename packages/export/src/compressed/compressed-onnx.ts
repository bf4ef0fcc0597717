import { GraphBuilder, type OnnxModel } from '@oqat/onnx';
import { vqCodebookValues, type AlqTensor, type CompressedTensor, type VqTensor } from '@oqat/quant';
import { withCompressedWeights, type StaticMobileNet } from '@oqat/search';
import { buildExportGraph } from '../build-export-graph';
import { ExportInternalError } from '../errors';
import type { ConvNode, LinearNode } from '../export-graph';
import { weightNodes } from '../export-graph';
import { onnxModel } from '../onnx-model';

/** The opset the compressed ONNX file declares (onnxModel's QDQ form: 13; BitShift 11, Mod 13, ReduceSum with axes input 13). */
export const COMPRESSED_ONNX_OPSET = 13;

/**
 * The permutation from a weight in tfjs layout to ONNX's: conv [k, k, in,
 * out] -> [out, in, k, k], depthwise [k, k, C, 1] -> [C, 1, k, k], linear
 * [in, out] -> [out, in] (then [out, in, 1, 1]).
 */
function toOnnxLayout(n: ConvNode | LinearNode): { perm: number[]; dims: number[] } {
  if (n.kind === 'linear') return { perm: [1, 0], dims: [n.outF, n.inF, 1, 1] };
  return n.depthwise ? { perm: [2, 3, 0, 1], dims: [n.outC, 1, n.kernel, n.kernel] } : { perm: [3, 2, 0, 1], dims: [n.outC, n.inC, n.kernel, n.kernel] };
}

/**
 * VQ's decode in ONNX: Gather(codebook, indices) gives one row per
 * sub-vector, and VQ's sub-vectors already run per output row in
 * (input, kh, kw) order, which is ONNX's [out, in, kh, kw]: a Reshape is the
 * whole layout change. The indices stay uint8 (uint16 above 256 codewords,
 * stored as int32: ONNX's Gather takes int32/int64, onnxruntime casts no
 * uint16) and are Cast to int32; the float16 codebook is stored widened to
 * float32 (exact).
 */
function vqDecode(g: GraphBuilder, name: string, t: VqTensor, dims: number[]): string {
  const codebook = g.initializer(`${name}/vq/codebook`, { dataType: 'float32', dims: [t.codewords, t.blockSize], values: vqCodebookValues(t) });
  const wide = t.indices instanceof Uint16Array;
  const indices = g.initializer(`${name}/vq/indices`, { dataType: wide ? 'int32' : 'uint8', dims: [t.indices.length], values: t.indices });
  const idx = wide ? indices : g.node('Cast', [indices], { to: 6 }, { name: `${name}/vq/cast` });
  const rows = g.node('Gather', [codebook, idx], { axis: 0 }, { name: `${name}/vq/gather` });
  const shape = g.initializer(`${name}/vq/shape`, { dataType: 'int64', dims: [dims.length], values: dims });
  return g.node('Reshape', [rows, shape], {}, { name: `${name}/vq/reshape` });
}

/**
 * ALQ's decode in ONNX: w_g = Σ_i α_{g,i}·(2·bit − 1) over the group's sign
 * rows. ONNX needs a rectangle, so each group's sign rows are padded to the
 * layer's most bases (coefficient 0) and the last group's row to the full
 * group: the bits are unpacked with BitShift and Mod 2, scaled by α, summed
 * over the bases (ReduceSum), the groups' values cut to the weight count and
 * transposed from the grouping order (AlqTensor.order) to ONNX's layout.
 * The padding makes the ONNX file larger than the container, which holds
 * only the real rows.
 */
function alqDecode(g: GraphBuilder, name: string, t: AlqTensor, perm: number[]): string {
  const total = t.shape.reduce((a, b) => a * b, 1);
  const groups = t.bases.length;
  const most = Math.max(1, ...t.bases);
  const rowBytes = Math.ceil(t.groupSize / 8);
  const signs = new Uint8Array(groups * most * rowBytes);
  const alphas = new Float32Array(groups * most);
  let c = 0;
  let s = 0;
  for (let gi = 0; gi < groups; gi++) {
    const len = Math.min(t.groupSize, total - gi * t.groupSize);
    const own = Math.ceil(len / 8);
    for (let i = 0; i < t.bases[gi]!; i++) {
      alphas[gi * most + i] = t.coefficients[c++]!;
      signs.set(t.signs.subarray(s, s + own), (gi * most + i) * rowBytes);
      s += own;
    }
  }
  const p = `${name}/alq`;
  const bytes = g.initializer(`${p}/signs`, { dataType: 'uint8', dims: [groups, most, rowBytes, 1], values: signs });
  const shifts = g.initializer(`${p}/shifts`, { dataType: 'uint8', dims: [8], values: [0, 1, 2, 3, 4, 5, 6, 7] });
  const shifted = g.node('BitShift', [bytes, shifts], { direction: 'RIGHT' }, { name: `${p}/shift` });
  const two = g.initializer(`${p}/two`, { dataType: 'uint8', dims: [], values: [2] });
  const bits = g.node('Mod', [shifted, two], { fmod: 0 }, { name: `${p}/bit` });
  const asFloat = g.node('Cast', [bits], { to: 1 }, { name: `${p}/cast` });
  const rowShape = g.initializer(`${p}/row_shape`, { dataType: 'int64', dims: [3], values: [groups, most, rowBytes * 8] });
  const rows = g.node('Reshape', [asFloat, rowShape], {}, { name: `${p}/rows` });
  const cut = (x: string, axis: number, end: number, what: string): string => g.node('Slice', [
    x,
    g.initializer(`${p}/${what}_starts`, { dataType: 'int64', dims: [1], values: [0] }),
    g.initializer(`${p}/${what}_ends`, { dataType: 'int64', dims: [1], values: [end] }),
    g.initializer(`${p}/${what}_axes`, { dataType: 'int64', dims: [1], values: [axis] }),
  ], {}, { name: `${p}/${what}` });
  const groupBits = rowBytes * 8 === t.groupSize ? rows : cut(rows, 2, t.groupSize, 'group_cut');
  // β = 2·bit − 1, then α·β
  const signed = g.node('Sub', [
    g.node('Mul', [groupBits, g.initializer(`${p}/two_f`, { dataType: 'float32', dims: [], values: [2] })], {}, { name: `${p}/double` }),
    g.initializer(`${p}/one_f`, { dataType: 'float32', dims: [], values: [1] }),
  ], {}, { name: `${p}/sign` });
  const alpha = g.initializer(`${p}/coefficients`, { dataType: 'float32', dims: [groups, most, 1], values: alphas });
  const scaled = g.node('Mul', [signed, alpha], {}, { name: `${p}/scale` });
  const summed = g.node('ReduceSum', [scaled, g.initializer(`${p}/sum_axes`, { dataType: 'int64', dims: [1], values: [1] })], { keepdims: 0 }, { name: `${p}/sum` });
  const flat = g.node('Reshape', [summed, g.initializer(`${p}/flat_shape`, { dataType: 'int64', dims: [1], values: [groups * t.groupSize] })], {}, { name: `${p}/flat` });
  const values = groups * t.groupSize === total ? flat : cut(flat, 0, total, 'tail_cut');
  // The grouped view is t.shape permuted by t.order; view axis k is shape axis order[k].
  const viewShape = t.order.map((a) => t.shape[a]!);
  const view = g.node('Reshape', [values, g.initializer(`${p}/view_shape`, { dataType: 'int64', dims: [viewShape.length], values: viewShape })], {}, { name: `${p}/view` });
  // ONNX axis j is shape axis perm[j], which is view axis order⁻¹[perm[j]].
  const inverse = t.order.map((_, j) => t.order.indexOf(j));
  return g.node('Transpose', [view], { perm: perm.map((a) => inverse[a]!) }, { name: `${p}/transpose` });
}

/**
 * A compressed subnet as ONNX: the float model of the decoded network
 * (onnxModel, the export's own, BN folded), in which every compressed
 * layer's weight initializer is replaced by the subgraph that decodes it
 * from the compressed storage (VQ: Gather; ALQ: the sum of ±1 bases times
 * their coefficients), times the layer's folded BN multiplier. Activations
 * are float, as in the app.
 */
export function compressedOnnxModel(
  net: StaticMobileNet, layers: Readonly<Record<string, CompressedTensor>>, floatWeights: Readonly<Record<string, Float32Array>> = {}, metadata: Record<string, string> = {},
): OnnxModel {
  const decoded = withCompressedWeights(net, layers, floatWeights);
  let model: OnnxModel;
  let nodes: Array<ConvNode | LinearNode>;
  try {
    const graph = buildExportGraph(decoded);
    nodes = weightNodes(graph);
    model = onnxModel(graph, { metadata: { ...metadata, compressed_layers: JSON.stringify(Object.fromEntries(Object.entries(layers).map(([k, t]) => [k, t.method]))) } });
  } finally {
    decoded.dispose();
  }
  const g = new GraphBuilder('decode');
  for (const [name, t] of Object.entries(layers)) {
    const n = nodes.find((x) => x.name === name);
    if (!n) throw new ExportInternalError('compressedOnnxModel', `layer ${name} is not in the export graph`);
    const weightName = `${name}/weight`;
    const at = model.graph.initializer.findIndex((i) => i.name === weightName);
    if (at < 0) throw new ExportInternalError('compressedOnnxModel', `no float initializer ${weightName} to replace`);
    model.graph.initializer.splice(at, 1);
    const { perm, dims } = toOnnxLayout(n);
    let w = t.method === 'vq' ? vqDecode(g, name, t, dims) : alqDecode(g, name, t, perm);
    if (t.method === 'alq' && n.kind === 'linear') w = g.node('Reshape', [w, g.initializer(`${name}/alq/onnx_shape`, { dataType: 'int64', dims: [4], values: dims })], {}, { name: `${name}/alq/onnx` });
    // The BN multiplier the float export folded into the conv weight (linear layers have none).
    const scaled = n.kind === 'conv'
      ? g.node('Mul', [w, g.initializer(`${name}/bn_scale`, { dataType: 'float32', dims: [dims[0]!, 1, 1, 1], values: n.channelScale })], {}, { name: `${name}/bn_fold`, outputs: [weightName] })
      : g.node('Identity', [w], {}, { name: `${name}/decoded`, outputs: [weightName] });
    void scaled;
  }
  const decode = g.build({ opset: COMPRESSED_ONNX_OPSET });
  model.graph.node = [...decode.graph.node, ...model.graph.node];
  model.graph.initializer = [...model.graph.initializer, ...decode.graph.initializer];
  model.docString = `${model.docString ?? ''}; compressed layers decoded in the graph (ALQ: Σ α·(±1) per group; VQ: Gather of the codebook)`;
  return model;
}
