import { samePads } from '@oqat/onnx';
import {
  appQ8, biasUnit, fineQ8, forcedPoolQ8, GATE_Q, HSIGMOID_INPUT_Q, HSIGMOID_TABLE_Q, hswishInputQ8, integerWeightScale, MIN_Q8_STEP,
  unionQ8, WEIGHT_CODE_GAIN, WIDEN, widenQ8, type Q8,
} from '@oqat/quant';
import type { StaticQuantConfig } from '@oqat/search';
import { OnnxIntegerError } from './errors';
import type { ConvNode, ExportActivation, ExportGraph, ExportNode, LinearNode } from './export-graph';

// The ranges and rules of every requantization are the onnxruntime preset's (@oqat/quant presets/integer-requant.ts),
// which the supernet also trains and evaluates with: re-exported for this package's writer, evaluator and tests.
export { appQ8, fineQ8, GATE_Q, HSIGMOID_INPUT_Q, HSIGMOID_TABLE_Q, hswishInputQ8, rangeQ8, WEIGHT_CODE_GAIN, WIDEN } from '@oqat/quant';
export type { Q8 } from '@oqat/quant';

/** A conv (or a fully connected layer as a 1x1 conv) with integer weights, an int32 bias and, when `outQ`, a requantized output. */
export interface IntegerConv {
  op: 'conv';
  name: string;
  input: string;
  output: string;
  inQ: Q8;
  /** absent: the layer's float output (the logits) */
  outQ?: Q8;
  kernel: number;
  stride: number;
  depthwise: boolean;
  inC: number;
  outC: number;
  /** ONNX pads [top, left, bottom, right] (TF's 'same' for its input size) */
  pads: [number, number, number, number];
  /** int8 codes in ONNX layout [out, in/group, k, k], BN's sign folded in, times WEIGHT_CODE_GAIN(bits) */
  codes: Int32Array;
  /** the same codes in tfjs layout ([k, k, in, out], depthwise [k, k, C, 1]) for the evaluator */
  tfCodes: Float32Array;
  tfShape: number[];
  /** per output channel weight scale: step·|γ/√(σ²+ε)| / WEIGHT_CODE_GAIN(bits) (negative only where an 8-bit code −128 could not flip sign) */
  weightScales: Float32Array;
  /** int32 bias at scale inQ.step·weightScale per channel: round(shift / (s_x·s_w)) */
  bias: Int32Array;
  /** float32(s_x·s_w) per channel: the bias's (and accumulator's) scale */
  biasScales: Float32Array;
}

/** Everything else of the integer graph; each reads dequantized inputs and writes a quantized output. */
export type IntegerOp =
  | { op: 'resize'; input: string; output: string; size: number }
  | { op: 'quantize'; input: string; output: string; q: Q8 }
  | { op: 'requantize'; input: string; output: string; from: Q8; q: Q8; /** as a fused table (LeakyRelu alpha 1), not DQ -> Q */ table?: boolean }
  | IntegerConv
  | { op: 'act'; name: string; fn: ExportActivation; input: string; output: string; from: Q8; q: Q8 }
  | { op: 'gap'; name: string; input: string; output: string; from: Q8; q: Q8 }
  | { op: 'add'; name: string; inputs: [string, string]; output: string; from: [Q8, Q8]; q: Q8 }
  | { op: 'mul'; name: string; input: string; gate: string; output: string; from: [Q8, Q8]; q: Q8 };

export interface IntegerGraph {
  graph: ExportGraph;
  input: string;
  /** float logits [N, classes, 1, 1] (NCHW), [N, 1, 1, classes] in the evaluator */
  output: string;
  ops: IntegerOp[];
}

/** Where the integer graph keeps values wider than their readers' ranges (tools/bench tunes them; the defaults are WIDEN). */
export type IntegerGraphOptions = Partial<typeof WIDEN>;

const sameQ = (a: Q8, b: Q8): boolean => a.step === b.step && a.zeroPoint === b.zeroPoint && a.max === b.max;

/** Quantizers whose values are integer codes times one step (pow2: a power-of-two step). */
const UNIFORM_GRID = (q: StaticQuantConfig): boolean => q.format === undefined || q.format === 'uniform' || q.format === 'pow2';

const INT32_MAX = 2 ** 31 - 1;

function q8(name: string, q: StaticQuantConfig): Q8 {
  if (q.bits > 8) throw new OnnxIntegerError(`${name}'s input is quantized to ${q.bits} bits; the integer graph holds activations of at most 8`);
  if (!UNIFORM_GRID(q)) throw new OnnxIntegerError(`${name}'s input uses the ${q.format} format; the integer graph takes uniform (and power-of-two step) quantizers only`);
  return appQ8(q);
}

/**
 * Integer weights of a conv in ONNX layout with BN's multiplier a_c folded:
 * codes·step·a_c = codes'·s_c with s_c = step·|a_c|, codes' = sign(a_c)·codes.
 * Zero points stay 0 (onnxruntime's QLinearConv wants one weight zero point
 * for all channels). An 8-bit code −128 has no int8 negation: such a channel
 * keeps its codes and takes a negative scale instead (exact, rare).
 * Degenerate layers (a learned step of 0, which the app computes as 1e-8):
 * codes of a weight step below 1e-8 are 0 (values below 1.3e-6); a channel
 * whose accumulator step s_x·s_w is so small that its bias overflows int32
 * drops its weights (each term is under 2^-31 of the bias) and takes the
 * weight scale that fits the bias.
 */
function convWeights(n: ConvNode | LinearNode, inQ: Q8): Pick<IntegerConv, 'codes' | 'tfCodes' | 'tfShape' | 'weightScales' | 'bias' | 'biasScales'> {
  const q = n.weight.quant;
  const codes0 = n.weight.codes;
  if (!q || !codes0) throw new OnnxIntegerError(`layer ${n.name} runs in float; the integer graph needs every conv and linear layer quantized (export a quantized subnet, or use the QDQ ONNX)`);
  if (!UNIFORM_GRID(q)) throw new OnnxIntegerError(`layer ${n.name}'s weights use the ${q.format} format; the integer graph takes uniform (and power-of-two step) quantizers only`);
  const isConv = n.kind === 'conv';
  const outC = isConv ? n.outC : n.outF;
  const inPerGroup = isConv ? (n.depthwise ? 1 : n.inC) : n.inF;
  const k = isConv ? n.kernel : 1;
  const perChannel = inPerGroup * k * k;
  // ONNX (o, i, y, x) from tfjs (y, x, i, o), depthwise (y, x, o, 0); linear [in, out].
  const source = (o: number, i: number, y: number, x: number): number =>
    !isConv ? i * outC + o : n.depthwise ? (y * k + x) * outC + o : ((y * k + x) * n.inC + i) * outC + o;
  const a = (o: number): number => (isConv ? n.channelScale[o]! : 1);
  const codes = new Int32Array(outC * perChannel);
  const tfCodes = new Float32Array(codes0.length);
  const weightScales = new Float32Array(outC);
  const bias = new Int32Array(outC);
  const biasScales = new Float32Array(outC);
  const gain = WEIGHT_CODE_GAIN(q.bits);
  let at = 0;
  for (let o = 0; o < outC; o++) {
    const learned = q.channelSteps?.[o] ?? q.step;
    const deadWeights = learned < MIN_Q8_STEP;
    const ac = a(o);
    let sign = ac < 0 ? -1 : 1;
    let scale = integerWeightScale(learned, q.bits, ac);
    if (deadWeights) sign = 0;
    if (!(scale > 0)) {
      // BN zeroed this channel: no weights, the bias alone
      sign = 0;
      scale = integerWeightScale(learned, q.bits, 1);
    }
    if (Math.abs(n.bias[o]! / (inQ.step * scale)) > INT32_MAX / 2) {
      sign = 0;
      scale = Math.fround((2 * Math.abs(n.bias[o]!)) / (inQ.step * INT32_MAX));
    }
    let hasMin = false;
    for (let i = 0; i < inPerGroup; i++) for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) hasMin ||= codes0[source(o, i, y, x)] === -128;
    if (sign < 0 && hasMin) {
      sign = 1;
      scale = -scale;
    }
    for (let i = 0; i < inPerGroup; i++) for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) {
      const src = source(o, i, y, x);
      const c = sign === 0 ? 0 : sign * gain * codes0[src]! + 0; // + 0: no −0
      codes[at++] = c;
      tfCodes[src] = c;
    }
    weightScales[o] = scale;
    biasScales[o] = biasUnit(inQ.step, scale);
    bias[o] = Math.round(n.bias[o]! / biasScales[o]!);
  }
  const tfShape = isConv ? [...n.weight.shape] : [1, 1, n.inF, n.outF];
  return { codes, tfCodes, tfShape, weightScales, bias, biasScales };
}

/**
 * Lowers a classification export graph to the integer graph onnxruntime's CPU
 * provider fuses: every conv and fully connected layer reads 8-bit codes
 * and, but for the classifier, writes 8-bit codes (QLinearConv), the residual
 * adds, the squeeze-excite scaling and the global pools run on codes too
 * (QLinearAdd, QLinearMul, QLinearGlobalAveragePool); h-sigmoid is a
 * requantization table (QLinearLeakyRelu, HSIGMOID_TABLE_Q) and h-swish x
 * times it (QLinearMul); only relu6 runs in float between a DequantizeLinear
 * and a QuantizeLinear.
 *
 * Where each value is requantized follows the app's quantizers: a value
 * read by a quantized layer is that layer's input quantizer exactly (appQ8:
 * its b-bit grid and clip, the clip's top reached through a fused
 * QLinearLeakyRelu table); a conv's output takes the quantizer of the
 * activation after it (ReLU vanishes into zero point 0; before h-swish the
 * same range on a finer grid); a pool, add or product takes its consumer's
 * range, widened (WIDEN). A value with several consumers takes a conv's
 * quantizer when one reads it, else the union of the others' ranges.
 */
export function integerGraph(graph: ExportGraph, options: IntegerGraphOptions = {}): IntegerGraph {
  const wide = { ...WIDEN, ...options };
  if (graph.task !== 'classification') throw new OnnxIntegerError('the integer ONNX graph is built for classification subnets only; export segmentation as QDQ ONNX');
  const consumers = new Map<string, Array<{ node: ExportNode; role: 'input' | 'gate' }>>();
  const use = (value: string, node: ExportNode, role: 'input' | 'gate' = 'input'): void => {
    let list = consumers.get(value);
    if (!list) consumers.set(value, (list = []));
    list.push({ node, role });
  };
  for (const n of graph.nodes) {
    if (n.kind === 'add' || n.kind === 'mul') n.inputs.forEach((v) => use(v, n));
    else if (n.kind === 'channel-mul') {
      use(n.input, n);
      use(n.gate, n, 'gate');
    } else use(n.input, n);
  }

  const memo = new Map<string, Q8 | undefined>();
  /** The quantization of a value, from what reads it (undefined: float, the logits). */
  const quantOf = (value: string): Q8 | undefined => {
    if (memo.has(value)) return memo.get(value);
    let chosen: Q8 | undefined;
    const others: Q8[] = [];
    const fineOf = (q: Q8 | undefined): Q8 | undefined => (q ? fineQ8(q) : undefined);
    const hswishOf = (q: Q8 | undefined): Q8 | undefined => (q ? hswishInputQ8(q) : undefined);
    const widened = (q: Q8 | undefined, factor: number): void => {
      if (q) others.push(widenQ8(q, factor));
    };
    for (const { node, role } of consumers.get(value) ?? []) {
      if (node.kind === 'conv' || node.kind === 'linear') {
        if (!node.inputQuant) throw new OnnxIntegerError(`layer ${node.name} reads float inputs; the integer graph needs every conv and linear layer's input quantized`);
        chosen ??= q8(node.name, node.inputQuant);
      } else if (node.kind === 'activation') {
        if (node.fn === 'hsigmoid') others.push(HSIGMOID_INPUT_Q);
        else if (node.fn === 'sigmoid') throw new OnnxIntegerError('the integer ONNX graph has no sigmoid gate (segmentation heads): export as QDQ ONNX');
        // ReLU commutes with the app's quantizer (zero point 0 clips it); relu6 reads a finer grid, h-swish its output range's preimage
        else if (node.fn === 'relu') widened(quantOf(node.output), 1);
        else if (node.fn === 'hswish') widened(hswishOf(quantOf(node.output)), 1);
        else widened(fineOf(quantOf(node.output)), 1);
      } else if (node.kind === 'channel-mul' && role === 'gate') others.push(GATE_Q);
      // the defaults are the preset's own rules (addendQ8, seInputQ8, poolInputQ8), which the supernet trains with
      else if (node.kind === 'global-avg-pool') widened(fineOf(quantOf(node.output)), wide.gap);
      else if (node.kind === 'add') widened(fineOf(quantOf(node.output)), wide.add);
      else if (node.kind === 'channel-mul') widened(fineOf(quantOf(node.output)), wide.mul);
      else throw new OnnxIntegerError(`the integer ONNX graph has no ${node.kind} (${node.name})`);
    }
    // a value read by a conv and by something else (the residual stream): the conv's range, or with `residual` the others' (the conv reads it requantized)
    if (others.length && (!chosen || wide.residual)) chosen = unionQ8(others);
    memo.set(value, chosen);
    return chosen;
  };

  const ops: IntegerOp[] = [];
  /** values whose quantization differs from their reader's (see the pool) */
  const forced = new Map<string, Q8>();
  /** Current IR value and its quantization (undefined: float) of each export value. */
  const values = new Map<string, { name: string; q?: Q8 }>([[graph.input, { name: graph.input }]]);
  const ref = (value: string): { name: string; q?: Q8 } => {
    const v = values.get(value);
    if (!v) throw new OnnxIntegerError(`value '${value}' is read before it is written`);
    return v;
  };
  const quantized = (value: string, where: string): { name: string; q: Q8 } => {
    const v = ref(value);
    if (!v.q) throw new OnnxIntegerError(`${where} reads '${value}', which the integer graph holds in float`);
    return v as { name: string; q: Q8 };
  };
  /** The value as codes of `q`: quantized from float, or requantized from other codes. */
  const codesIn = (value: string, q: Q8): string => {
    const v = ref(value);
    if (v.q && sameQ(v.q, q)) return v.name;
    const output = `${value}/q${q.zeroPoint}_${ops.length}`;
    ops.push(v.q ? { op: 'requantize', input: v.name, output, from: v.q, q } : { op: 'quantize', input: v.name, output, q });
    return output;
  };
  const outQOf = (n: ExportNode): Q8 => {
    const q = quantOf(n.output);
    if (!q) throw new OnnxIntegerError(`${n.name}'s output is not read by anything quantized`);
    return q;
  };

  for (const n of graph.nodes) {
    switch (n.kind) {
      case 'resize': {
        ops.push({ op: 'resize', input: ref(n.input).name, output: n.output, size: n.size });
        values.set(n.output, { name: n.output });
        break;
      }
      case 'conv':
      case 'linear': {
        if (!n.inputQuant) throw new OnnxIntegerError(`layer ${n.name} reads float inputs; the integer graph needs every layer's input quantized`);
        const inQ = forced.get(n.input) ?? q8(n.name, n.inputQuant);
        const input = codesIn(n.input, inQ);
        const outQ = quantOf(n.output);
        const isConv = n.kind === 'conv';
        const [top, bottom] = isConv ? samePads(n.inH, n.kernel, n.stride) : [0, 0];
        const [left, right] = isConv ? samePads(n.inW, n.kernel, n.stride) : [0, 0];
        ops.push({
          op: 'conv', name: n.name, input, output: n.output, inQ, ...(outQ ? { outQ } : {}),
          kernel: isConv ? n.kernel : 1, stride: isConv ? n.stride : 1, depthwise: isConv && n.depthwise,
          inC: isConv ? n.inC : n.inF, outC: isConv ? n.outC : n.outF, pads: [top, left, bottom, right],
          ...convWeights(n, inQ),
        });
        values.set(n.output, { name: n.output, ...(outQ ? { q: outQ } : {}) });
        break;
      }
      case 'activation': {
        const x = quantized(n.input, n.name);
        const q = n.fn === 'hsigmoid' ? GATE_Q : outQOf(n);
        if (n.fn === 'relu' && q.zeroPoint === 0 && sameQ(q, x.q)) {
          // codes with zero point 0 are ReLU's output already
          values.set(n.output, x);
          break;
        }
        if (n.fn === 'hsigmoid' || n.fn === 'hswish') {
          // integer ops only: the gate is a table (QLinearLeakyRelu), h-swish its product with x (QLinearMul)
          const gate = n.fn === 'hsigmoid' ? n.output : `${n.output}/gate`;
          ops.push({ op: 'requantize', input: x.name, output: gate, from: x.q, q: HSIGMOID_TABLE_Q, table: true });
          if (n.fn === 'hswish') ops.push({ op: 'mul', name: n.name, input: x.name, gate, output: n.output, from: [x.q, GATE_Q], q });
          values.set(n.output, { name: n.output, q });
          break;
        }
        ops.push({ op: 'act', name: n.name, fn: n.fn, input: x.name, output: n.output, from: x.q, q });
        values.set(n.output, { name: n.output, q });
        break;
      }
      case 'global-avg-pool': {
        const x = quantized(n.input, n.name);
        let q = outQOf(n);
        // onnxruntime's QLinearGlobalAveragePool refuses s_x / s_y >= 256 (a learned step of ~0 that flushes the
        // pooled values to 0): the pooled values and the layer reading them take s_x / 128 instead
        const forcedQ = forcedPoolQ8(x.q, q);
        if (forcedQ) {
          q = forcedQ;
          forced.set(n.output, q);
        }
        ops.push({ op: 'gap', name: n.name, input: x.name, output: n.output, from: x.q, q });
        values.set(n.output, { name: n.output, q });
        break;
      }
      case 'add': {
        const a = quantized(n.inputs[0], n.name);
        const b = quantized(n.inputs[1], n.name);
        const q = outQOf(n);
        ops.push({ op: 'add', name: n.name, inputs: [a.name, b.name], output: n.output, from: [a.q, b.q], q });
        values.set(n.output, { name: n.output, q });
        break;
      }
      case 'channel-mul': {
        const x = quantized(n.input, n.name);
        const gate = quantized(n.gate, n.name);
        const q = outQOf(n);
        ops.push({ op: 'mul', name: n.name, input: x.name, gate: gate.name, output: n.output, from: [x.q, gate.q], q });
        values.set(n.output, { name: n.output, q });
        break;
      }
      default:
        throw new OnnxIntegerError(`the integer ONNX graph has no ${n.kind} (${n.name})`);
    }
  }
  const out = ref(graph.output);
  if (out.q) throw new OnnxIntegerError('the logits came out quantized');
  return { graph, input: graph.input, output: out.name, ops };
}
