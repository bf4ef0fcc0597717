import { attr, GraphBuilder, type OnnxModel } from '@oqat/onnx';
import type { ExportActivation } from './export-graph';
import type { IntegerGraph, Q8 } from './onnx-integer-graph';

/** The integer graph's opset: HardSwish is opset 14. */
export const ONNX_INTEGER_OPSET = 14;

/**
 * The integer graph as ONNX QDQ that onnxruntime's CPU provider fuses into
 * integer kernels: each 8-bit value is the uint8 output of a QuantizeLinear
 * and every reader dequantizes it with a DequantizeLinear of its own (the
 * node groups the QDQ selectors match: DQ(x), DQ(w), DQ(b) -> Conv -> Q
 * becomes QLinearConv; DQ, DQ -> Add / Mul -> Q QLinearAdd / QLinearMul;
 * DQ -> GlobalAveragePool -> Q QLinearGlobalAveragePool). Conv weights are
 * int8 per output channel (axis 0, zero points 0), biases int32 at the
 * input scale × weight scale (axis 0); the classifier's output stays float.
 * Input: normalized NCHW images of any size, resized inside; output 'logits'.
 */
export function onnxIntegerModel(ig: IntegerGraph, metadata?: Record<string, string>): OnnxModel {
  const graph = ig.graph;
  const g = new GraphBuilder('oqat_subnet_integer');
  const floats = new Map<string, string>();
  const scalar = (v: number): string => {
    let name = floats.get(`${v}`);
    if (!name) floats.set(`${v}`, (name = g.constant('const', { dataType: 'float32', dims: [], values: [v] })));
    return name;
  };
  const params = new Map<string, [string, string]>();
  const qParams = (q: Q8): [string, string] => {
    const key = `${q.step}/${q.zeroPoint}`;
    let p = params.get(key);
    if (!p) {
      p = [g.constant('act_scale', { dataType: 'float32', dims: [], values: [q.step] }), g.constant('act_zero_point', { dataType: 'uint8', dims: [], values: [q.zeroPoint] })];
      params.set(key, p);
    }
    return p;
  };
  const values = new Map<string, string>();
  const ref = (v: string): string => values.get(v) ?? v;
  const dq = (value: string, q: Q8, name: string): string => g.node('DequantizeLinear', [ref(value), ...qParams(q)], {}, { name });
  const quant = (x: string, q: Q8, name: string): string => {
    if (q.max === undefined || q.max >= 255) return g.node('QuantizeLinear', [x, ...qParams(q)], {}, { name });
    // The app's b-bit clip [0, max]: Q saturating at the top (its zero point + 255 − max), then a requantization to this
    // zero point, saturating at the bottom, as LeakyRelu(alpha 1) between DQ and Q (onnxruntime: QLinearLeakyRelu).
    const top: Q8 = { step: q.step, zeroPoint: q.zeroPoint + 255 - q.max };
    const high = g.node('QuantizeLinear', [x, ...qParams(top)], {}, { name });
    const values = g.node('DequantizeLinear', [high, ...qParams(top)], {}, { name: `${name}/clip_dequantize` });
    const same = g.node('LeakyRelu', [values], { alpha: attr.float(1) }, { name: `${name}/clip` });
    return g.node('QuantizeLinear', [same, ...qParams({ step: q.step, zeroPoint: q.zeroPoint })], {}, { name: `${name}/clip_quantize` });
  };
  const fn = (f: ExportActivation, x: string, name: string): string => {
    switch (f) {
      case 'relu': return g.node('Relu', [x], {}, { name });
      case 'relu6': return g.node('Clip', [x, scalar(0), scalar(6)], {}, { name });
      case 'hswish': return g.node('HardSwish', [x], {}, { name });
      case 'hsigmoid': return g.node('HardSigmoid', [x], { alpha: 1 / 6, beta: 0.5 }, { name });
      case 'sigmoid': return g.node('Sigmoid', [x], {}, { name });
    }
  };

  const [height, width] = graph.imageSize ?? ['height', 'width'];
  values.set(ig.input, g.input(graph.input, 'float32', ['batch', graph.inputC, height, width]));
  for (const op of ig.ops) {
    let out: string;
    switch (op.op) {
      case 'resize': {
        const shape = g.node('Shape', [ref(op.input)], {}, { name: 'resize/shape' });
        const starts = g.constant('resize_starts', { dataType: 'int64', dims: [1], values: [0] });
        const ends = g.constant('resize_ends', { dataType: 'int64', dims: [1], values: [2] });
        const batchChannels = g.node('Slice', [shape, starts, ends], {}, { name: 'resize/batch_channels' });
        const hw = g.constant('resize_hw', { dataType: 'int64', dims: [2], values: [op.size, op.size] });
        const sizes = g.node('Concat', [batchChannels, hw], { axis: 0 }, { name: 'resize/sizes' });
        out = g.node('Resize', [ref(op.input), '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }, { name: 'resize' });
        break;
      }
      case 'quantize':
        out = quant(ref(op.input), op.q, `${op.output}/quantize`);
        break;
      case 'requantize': {
        const x = dq(op.input, op.from, `${op.output}/dequantize`);
        out = quant(op.table ? g.node('LeakyRelu', [x], { alpha: attr.float(1) }, { name: `${op.output}/table` }) : x, op.q, `${op.output}/quantize`);
        break;
      }
      case 'conv': {
        const x = dq(op.input, op.inQ, `${op.name}/input_dequantize`);
        const k = op.kernel;
        const perGroup = op.depthwise ? 1 : op.inC;
        const w = g.initializer(g.uniqueName(`${op.name}/weight_quantized`), { dataType: 'int8', dims: [op.outC, perGroup, k, k], values: op.codes });
        const wScale = g.constant(`${op.name}/weight_scale`, { dataType: 'float32', dims: [op.outC], values: op.weightScales });
        const wZero = g.constant(`${op.name}/weight_zero_point`, { dataType: 'int8', dims: [op.outC], values: new Int32Array(op.outC) });
        const weight = g.node('DequantizeLinear', [w, wScale, wZero], { axis: 0 }, { name: `${op.name}/weight_dequantize` });
        const b = g.initializer(g.uniqueName(`${op.name}/bias_quantized`), { dataType: 'int32', dims: [op.outC], values: op.bias });
        const bScale = g.constant(`${op.name}/bias_scale`, { dataType: 'float32', dims: [op.outC], values: op.biasScales });
        const bias = g.node('DequantizeLinear', [b, bScale], { axis: 0 }, { name: `${op.name}/bias_dequantize` });
        const y = g.node('Conv', [x, weight, bias], {
          group: op.depthwise ? op.outC : 1, kernel_shape: [k, k], strides: [op.stride, op.stride], pads: op.pads, dilations: [1, 1],
        }, { name: `${op.name}/conv` });
        out = op.outQ ? quant(y, op.outQ, `${op.name}/quantize`) : y;
        break;
      }
      case 'act':
        out = quant(fn(op.fn, dq(op.input, op.from, `${op.name}/dequantize`), op.name), op.q, `${op.name}/quantize`);
        break;
      case 'gap':
        out = quant(g.node('GlobalAveragePool', [dq(op.input, op.from, `${op.name}/dequantize`)], {}, { name: op.name }), op.q, `${op.name}/quantize`);
        break;
      case 'add': {
        const a = dq(op.inputs[0], op.from[0], `${op.name}/dequantize_a`);
        const b = dq(op.inputs[1], op.from[1], `${op.name}/dequantize_b`);
        out = quant(g.node('Add', [a, b], {}, { name: op.name }), op.q, `${op.name}/quantize`);
        break;
      }
      case 'mul': {
        const x = dq(op.input, op.from[0], `${op.name}/dequantize_x`);
        const gate = dq(op.gate, op.from[1], `${op.name}/dequantize_gate`);
        out = quant(g.node('Mul', [x, gate], {}, { name: op.name }), op.q, `${op.name}/quantize`);
        break;
      }
    }
    values.set(op.output, out);
  }
  g.node('Flatten', [ref(ig.output)], { axis: 1 }, { name: 'logits_flatten', outputs: ['logits'] });
  g.output('logits', 'float32', ['batch', graph.numClasses]);
  return g.build({
    opset: ONNX_INTEGER_OPSET,
    producerName: 'oqat-studio',
    docString: `OQAT subnet (${graph.config.spaceName ?? 'custom space'}), integer QDQ graph for onnxruntime (uint8 activations, int8 per-channel weights, int32 biases, BN folded); input normalized NCHW images`,
    ...(metadata ? { metadata } : {}),
  });
}
