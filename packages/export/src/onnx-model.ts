import { GraphBuilder, samePads, type OnnxModel } from '@oqat/onnx';
import { quantRange } from '@oqat/quant';
import type { StaticQuantConfig } from '@oqat/search';
import type { ConvNode, ExportActivation, ExportGraph, LinearNode, ResampleNode } from './export-graph';
import { retypeInt4Initializers, type Int4Type } from './onnx-int4';
import { onnxConvWeight } from './onnx-conv-weight';
import { ExportInternalError } from './errors';

export const ONNX_MODEL_FILE = 'model.onnx';

export interface OnnxExportOptions {
  /**
   * Store tensors of 4 bits or fewer in INT4/UINT4 containers (opset 21).
   * Default false: every quantized tensor in int8/uint8 (opset 13).
   */
  int4?: boolean;
  /** model metadata (metadata_props) */
  metadata?: Record<string, string>;
}

type Container = 'int8' | 'uint8' | Int4Type;

const RANGE: Record<Container, [number, number]> = { int8: [-128, 127], uint8: [0, 255], int4: [-8, 7], uint4: [0, 15] };

/**
 * The export graph as ONNX in QDQ form: every quantized weight is an integer
 * initializer (int8, or int4 with `int4`) followed by DequantizeLinear (conv
 * weights per output channel, since the folded BN multiplier lives in the
 * scale; fully connected weights per output channel when their quantizer has
 * channelSteps, else per tensor); every quantized activation goes through [Clip ->] QuantizeLinear ->
 * DequantizeLinear with the learned step as scale (the Clip narrows an 8- or
 * 4-bit container to the b-bit grid). BN is folded: its multiplier into the
 * weight scales, its shift into a float bias added after the Conv. The bias
 * is a separate Add on purpose: given as the Conv's (or a Gemm's) bias input,
 * onnxruntime's default optimizer rewrites it to int32 at scale
 * s_in·s_w, a grid as coarse as one accumulator step at 2-4 bits, and the
 * model stops computing what the app computes. Fully connected layers are
 * 1x1 Convs on [N, F, 1, 1] for the same reason (MatMul + Add becomes a Gemm).
 * Input: normalized NCHW images of any size, resized inside (bilinear, TF's
 * asymmetric mapping); output 'logits' [N, classes]. A segmentation graph
 * takes images of its fixed imageSize and outputs 'logits' [N, classes, H, W];
 * its per-pixel layers are the same 1x1 Convs, its upsamplings two MatMuls
 * with the app's interpolation weights.
 */
export function onnxModel(graph: ExportGraph, options: OnnxExportOptions = {}): OnnxModel {
  const int4 = options.int4 ?? false;
  const opset = int4 ? 21 : 13;
  const g = new GraphBuilder('oqat_subnet');
  const int4Types = new Map<string, Int4Type>();
  const values = new Map<string, string>();
  const ref = (value: string): string => {
    const v = values.get(value);
    if (!v) throw new ExportInternalError('onnxModel', `value '${value}' is used before it is defined`);
    return v;
  };
  const scalars = new Map<number, string>();
  const scalar = (v: number): string => {
    let name = scalars.get(v);
    if (!name) {
      name = g.constant('const', { dataType: 'float32', dims: [], values: [v] });
      scalars.set(v, name);
    }
    return name;
  };
  const container = (bits: number, signed: boolean): Container => (int4 && bits <= 4 ? (signed ? 'int4' : 'uint4') : signed ? 'int8' : 'uint8');
  /** An integer initializer in its container (4-bit ones are retyped after build). */
  const integers = (prefix: string, type: Container, dims: number[], data: ArrayLike<number>): string => {
    const name = g.uniqueName(prefix);
    g.initializer(name, { dataType: type === 'int4' ? 'int8' : type === 'uint4' ? 'uint8' : type, dims, values: data });
    if (type === 'int4' || type === 'uint4') int4Types.set(name, type);
    return name;
  };

  const actQdq = (name: string, x: string, q: StaticQuantConfig): string => {
    const { qn, qp } = quantRange(q.bits, q.signed);
    const type = container(q.bits, q.signed);
    const [lo, hi] = RANGE[type];
    let input = x;
    if (-qn > lo || qp < hi) {
      const min = scalar(Math.fround(-qn * q.step));
      const max = scalar(Math.fround(qp * q.step));
      // onnxruntime 1.23's Clip->QuantizeLinear fusion aborts on 4-bit zero points: narrow with Max/Min there.
      input = type === 'int4' || type === 'uint4'
        ? g.node('Min', [g.node('Max', [x, min], {}, { name: `${name}/max` }), max], {}, { name: `${name}/min` })
        : g.node('Clip', [x, min, max], {}, { name: `${name}/clip` });
    }
    const scale = g.constant(`${name}_scale`, { dataType: 'float32', dims: [], values: [q.step] });
    const zero = integers(`${name}_zero_point`, type, [], [0]);
    const quantized = g.node('QuantizeLinear', [input, scale, zero], {}, { name: `${name}/quantize` });
    return g.node('DequantizeLinear', [quantized, scale, zero], {}, { name: `${name}/dequantize` });
  };
  const activation = (name: string, x: string, fn: ExportActivation): string => {
    if (fn === 'relu') return g.node('Relu', [x], {}, { name });
    if (fn === 'sigmoid') return g.node('Sigmoid', [x], {}, { name });
    if (fn === 'relu6') return g.node('Clip', [x, scalar(0), scalar(6)], {}, { name });
    const shifted = g.node('Add', [x, scalar(3)], {}, { name: `${name}/add3` });
    const clipped = g.node('Clip', [shifted, scalar(0), scalar(6)], {}, { name: `${name}/relu6` });
    const gate = g.node('Div', [clipped, scalar(6)], {}, { name: fn === 'hsigmoid' ? name : `${name}/div6` });
    return fn === 'hsigmoid' ? gate : g.node('Mul', [x, gate], {}, { name });
  };
  const conv = (n: ConvNode): string => {
    const x = n.inputQuant ? actQdq(`${n.name}/input_quant`, ref(n.input), n.inputQuant) : ref(n.input);
    const w = onnxConvWeight(n);
    let weight: string;
    if (w.codes && n.weight.quant) {
      const type = container(n.weight.quant.bits, true);
      const stored = integers(`${n.name}/weight_quantized`, type, w.dims, w.codes);
      const scale = g.constant(`${n.name}/weight_scale`, { dataType: 'float32', dims: [n.outC], values: w.scales! });
      const zero = integers(`${n.name}/weight_zero_point`, type, [n.outC], w.zeroPoints!);
      weight = g.node('DequantizeLinear', [stored, scale, zero], { axis: 0 }, { name: `${n.name}/weight_dequantize` });
    } else {
      weight = g.initializer(`${n.name}/weight`, { dataType: 'float32', dims: w.dims, values: w.values! });
    }
    const bias = g.initializer(`${n.name}/bias`, { dataType: 'float32', dims: [n.outC, 1, 1], values: n.bias });
    const [top, bottom] = samePads(n.inH, n.kernel, n.stride);
    const [left, right] = samePads(n.inW, n.kernel, n.stride);
    const y = g.node('Conv', [x, weight], {
      group: n.depthwise ? n.outC : 1,
      kernel_shape: [n.kernel, n.kernel],
      strides: [n.stride, n.stride],
      pads: [top, left, bottom, right],
      dilations: [1, 1],
    }, { name: `${n.name}/conv` });
    return g.node('Add', [y, bias], {}, { name: `${n.name}/bias_add` });
  };
  /** A fully connected layer as a 1x1 Conv on [N, inF, 1, 1] plus a bias Add (see the conv above). */
  const linear = (n: LinearNode): string => {
    const x = n.inputQuant ? actQdq(`${n.name}/input_quant`, ref(n.input), n.inputQuant) : ref(n.input);
    // tfjs [in, out] -> ONNX [out, in, 1, 1]
    const dims = [n.outF, n.inF, 1, 1];
    const reorder = <T extends Float32Array | Int32Array>(src: T, make: (len: number) => T): T => {
      const out = make(src.length);
      for (let o = 0; o < n.outF; o++) for (let i = 0; i < n.inF; i++) out[o * n.inF + i] = src[i * n.outF + o]!;
      return out;
    };
    let weight: string;
    const q = n.weight.quant;
    if (q && n.weight.codes) {
      const type = container(q.bits, true);
      const stored = integers(`${n.name}/weight_quantized`, type, dims, reorder(n.weight.codes, (len) => new Int32Array(len)));
      // per-channel steps (channelSteps): one scale per output channel, axis 0 of [out, in, 1, 1]
      const steps = q.channelSteps ?? [q.step];
      const perChannel = q.channelSteps ? [n.outF] : [];
      const scale = g.constant(`${n.name}/weight_scale`, { dataType: 'float32', dims: perChannel, values: steps });
      const zero = integers(`${n.name}/weight_zero_point`, type, perChannel, new Int32Array(steps.length));
      weight = g.node('DequantizeLinear', [stored, scale, zero], q.channelSteps ? { axis: 0 } : {}, { name: `${n.name}/weight_dequantize` });
    } else {
      weight = g.initializer(`${n.name}/weight`, { dataType: 'float32', dims, values: reorder(n.weight.values, (len) => new Float32Array(len)) });
    }
    const y = g.node('Conv', [x, weight], { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 }, { name: `${n.name}/conv` });
    const bias = g.initializer(`${n.name}/bias`, { dataType: 'float32', dims: [n.outF, 1, 1], values: n.bias });
    return g.node('Add', [y, bias], {}, { name: `${n.name}/bias_add` });
  };

  /** rows [H, h] · x [N, C, h, w] · colsᵀ [w, W]: the app's resample (rows first) on NCHW maps. */
  const resample = (n: ResampleNode): string => {
    const rows = g.initializer(`${n.name}/rows`, { dataType: 'float32', dims: [n.outH, n.inH], values: n.rows });
    const colsT = new Float32Array(n.inW * n.outW);
    for (let x = 0; x < n.outW; x++) for (let j = 0; j < n.inW; j++) colsT[j * n.outW + x] = n.cols[x * n.inW + j]!;
    const cols = g.initializer(`${n.name}/cols_t`, { dataType: 'float32', dims: [n.inW, n.outW], values: colsT });
    const byRow = g.node('MatMul', [rows, ref(n.input)], {}, { name: `${n.name}/rows` });
    return g.node('MatMul', [byRow, cols], {}, { name: n.name });
  };

  const [height, width] = graph.imageSize ?? ['height', 'width'];
  const images = g.input(graph.input, 'float32', ['batch', graph.inputC, height, width]);
  values.set(graph.input, images);
  for (const n of graph.nodes) {
    let out: string;
    switch (n.kind) {
      case 'resize': {
        const shape = g.node('Shape', [ref(n.input)], {}, { name: `${n.name}/shape` });
        const starts = g.constant('resize_starts', { dataType: 'int64', dims: [1], values: [0] });
        const ends = g.constant('resize_ends', { dataType: 'int64', dims: [1], values: [2] });
        const batchChannels = g.node('Slice', [shape, starts, ends], {}, { name: `${n.name}/batch_channels` });
        const hw = g.constant('resize_hw', { dataType: 'int64', dims: [2], values: [n.size, n.size] });
        const sizes = g.node('Concat', [batchChannels, hw], { axis: 0 }, { name: `${n.name}/sizes` });
        out = g.node('Resize', [ref(n.input), '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }, { name: n.name });
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
        // [N, C, 1, 1]: vectors stay 4-D through the fully connected layers (1x1 convs) until the logits
        out = g.node('GlobalAveragePool', [ref(n.input)], {}, { name: n.name });
        break;
      }
      case 'add':
        out = g.node('Add', [ref(n.inputs[0]), ref(n.inputs[1])], {}, { name: n.name });
        break;
      case 'channel-mul':
        out = g.node('Mul', [ref(n.input), ref(n.gate)], {}, { name: n.name });
        break;
      case 'mul':
        out = g.node('Mul', [ref(n.inputs[0]), ref(n.inputs[1])], {}, { name: n.name });
        break;
      case 'resample':
        out = resample(n);
        break;
    }
    values.set(n.output, out);
  }
  if (graph.task === 'segmentation') {
    g.node('Identity', [ref(graph.output)], {}, { name: 'logits_identity', outputs: ['logits'] });
    g.output('logits', 'float32', ['batch', graph.numClasses, height, width]);
  } else {
    g.node('Flatten', [ref(graph.output)], { axis: 1 }, { name: 'logits_flatten', outputs: ['logits'] });
    g.output('logits', 'float32', ['batch', graph.numClasses]);
  }
  const model = g.build({
    opset,
    producerName: 'oqat-studio',
    docString: `OQAT subnet (${graph.config.spaceName ?? 'custom space'}), QDQ ${int4 ? 'int4/int8' : 'int8'} containers, BN folded; input normalized NCHW images`,
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
  retypeInt4Initializers(model, int4Types);
  return model;
}
