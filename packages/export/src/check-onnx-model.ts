import { DATA_TYPES, irVersionForOpset, type OnnxModel, type OnnxNode, type OnnxTensor } from '@oqat/onnx';
import { OnnxCheckError } from './errors';
import { ONNX_INT4, ONNX_UINT4 } from './onnx-int4';

/** Input count bounds of the operators the exporter writes. */
const OPS: Record<string, [number, number]> = {
  Conv: [2, 3], MatMul: [2, 2], Add: [2, 2], Mul: [2, 2], Div: [2, 2], Relu: [1, 1], Sigmoid: [1, 1], Clip: [1, 3],
  QuantizeLinear: [2, 3], DequantizeLinear: [2, 3], GlobalAveragePool: [1, 1], Flatten: [1, 1],
  HardSwish: [1, 1], HardSigmoid: [1, 1], LeakyRelu: [1, 1],
  Reshape: [2, 2], Max: [1, Infinity], Min: [1, Infinity], Resize: [1, 4], Shape: [1, 1], Slice: [3, 5], Concat: [1, Infinity], Identity: [1, 1],
};

const BYTES: Record<number, number> = {
  [DATA_TYPES.float32]: 4, [DATA_TYPES.uint8]: 1, [DATA_TYPES.int8]: 1, [DATA_TYPES.int32]: 4, [DATA_TYPES.int64]: 8,
};
const QUANT_TYPES = new Set<number>([DATA_TYPES.int8, DATA_TYPES.uint8, ONNX_INT4, ONNX_UINT4]);

function rawBytes(t: OnnxTensor): number | undefined {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.dataType === ONNX_INT4 || t.dataType === ONNX_UINT4) return Math.ceil(n / 2);
  const size = BYTES[t.dataType];
  return size === undefined ? undefined : n * size;
}

function intAttr(node: OnnxNode, name: string): number | undefined {
  return node.attribute.find((a) => a.name === name)?.i;
}

function intsAttr(node: OnnxNode, name: string): number[] | undefined {
  return node.attribute.find((a) => a.name === name)?.ints;
}

/**
 * A structural check of an exported model, standing in for onnx.checker
 * (no Python onnx package here): the opset and IR version agree; every value
 * is defined once; every node reads only graph inputs, initializers and
 * outputs of earlier nodes; every graph output is defined; initializers'
 * raw data matches their dims and type (4-bit types only from opset 21);
 * operators are known with a valid input count; QuantizeLinear /
 * DequantizeLinear scales and zero points agree in shape and type and,
 * per axis, match the quantized tensor's channel count; Conv weights, biases,
 * kernel_shape, pads and group agree. Returns the problems found (empty: passed).
 */
export function checkOnnxModel(model: OnnxModel): string[] {
  const problems: string[] = [];
  const opset = model.opsetImport.find((o) => (o.domain ?? '') === '')?.version;
  if (opset === undefined) problems.push('model imports no ai.onnx opset');
  else if (model.irVersion < irVersionForOpset(opset)) problems.push(`IR version ${model.irVersion} is older than opset ${opset} needs (${irVersionForOpset(opset)})`);
  const g = model.graph;
  const defined = new Set<string>();
  const define = (name: string, what: string): void => {
    if (!name) problems.push(`${what} has an empty name`);
    else if (defined.has(name)) problems.push(`value '${name}' is defined twice (${what})`);
    defined.add(name);
  };
  const inits = new Map<string, OnnxTensor>();
  for (const i of g.input) define(i.name, 'graph input');
  for (const t of g.initializer) {
    define(t.name, 'initializer');
    inits.set(t.name, t);
    if (t.dims.some((d) => !Number.isInteger(d) || d < 0)) problems.push(`initializer '${t.name}' has invalid dims [${t.dims.join(', ')}]`);
    const expected = rawBytes(t);
    if (expected === undefined) problems.push(`initializer '${t.name}' has unsupported data type ${t.dataType}`);
    else if ((t.rawData?.length ?? -1) !== expected) problems.push(`initializer '${t.name}' holds ${t.rawData?.length ?? 0} bytes, dims [${t.dims.join(', ')}] need ${expected}`);
    if ((t.dataType === ONNX_INT4 || t.dataType === ONNX_UINT4) && (opset ?? 0) < 21) problems.push(`initializer '${t.name}' is 4-bit, which needs opset 21, not ${opset}`);
  }
  // the initializer a value comes from, directly or through a DequantizeLinear of an initializer
  const producers = new Map<string, OnnxNode>();
  const constantOf = (value: string): OnnxTensor | undefined => {
    const direct = inits.get(value);
    if (direct) return direct;
    const p = producers.get(value);
    return p?.opType === 'DequantizeLinear' ? inits.get(p.input[0]!) : undefined;
  };

  for (const node of g.node) {
    const where = `node '${node.name}' (${node.opType})`;
    const bounds = OPS[node.opType];
    if ((node.domain ?? '') !== '') problems.push(`${where} uses domain '${node.domain}', not ai.onnx`);
    if (!bounds) problems.push(`${where}: operator not expected in an exported subnet`);
    else if (node.input.length < bounds[0] || node.input.length > bounds[1]) problems.push(`${where} has ${node.input.length} inputs, expected ${bounds[0]}-${bounds[1]}`);
    for (const input of node.input) if (input !== '' && !defined.has(input)) problems.push(`${where} reads '${input}', which nothing defines before it`);
    if (node.output.length === 0) problems.push(`${where} has no output`);
    for (const out of node.output) {
      define(out, where);
      producers.set(out, node);
    }
    if (node.opType === 'QuantizeLinear' || node.opType === 'DequantizeLinear') problems.push(...checkQdq(node, where, inits, opset ?? 0));
    if (node.opType === 'Conv') problems.push(...checkConv(node, where, constantOf));
    if (node.opType === 'Concat' && intAttr(node, 'axis') === undefined) problems.push(`${where} has no axis attribute`);
  }
  for (const o of g.output) if (!defined.has(o.name)) problems.push(`graph output '${o.name}' is not defined`);
  return problems;
}

function checkQdq(node: OnnxNode, where: string, inits: Map<string, OnnxTensor>, opset: number): string[] {
  const out: string[] = [];
  const scale = inits.get(node.input[1]!);
  const zero = node.input[2] ? inits.get(node.input[2]) : undefined;
  if (!scale) return [`${where}: scale '${node.input[1]}' is not an initializer`];
  if (scale.dataType !== DATA_TYPES.float32) out.push(`${where}: scale is not float32`);
  if (scale.dims.length > 1) out.push(`${where}: scale must be a scalar or 1-D, got [${scale.dims.join(', ')}]`);
  if (zero) {
    if (zero.dims.join() !== scale.dims.join()) out.push(`${where}: zero point dims [${zero.dims.join(', ')}] differ from scale dims [${scale.dims.join(', ')}]`);
    if (!QUANT_TYPES.has(zero.dataType)) out.push(`${where}: zero point type ${zero.dataType} is not an 8- or 4-bit integer`);
    if ((zero.dataType === ONNX_INT4 || zero.dataType === ONNX_UINT4) && opset < 21) out.push(`${where}: 4-bit zero point needs opset 21`);
  }
  if (node.opType === 'DequantizeLinear') {
    const x = inits.get(node.input[0]!);
    if (x && zero && x.dataType !== zero.dataType) out.push(`${where}: input type ${x.dataType} differs from zero point type ${zero.dataType}`);
    if (x && scale.dims.length === 1) {
      const axis = intAttr(node, 'axis') ?? 1;
      const a = axis < 0 ? axis + x.dims.length : axis;
      if (x.dims[a] !== scale.dims[0]) out.push(`${where}: ${scale.dims[0]} per-axis scales for axis ${axis} of dims [${x.dims.join(', ')}]`);
    }
  }
  return out;
}

function checkConv(node: OnnxNode, where: string, constantOf: (v: string) => OnnxTensor | undefined): string[] {
  const out: string[] = [];
  const w = constantOf(node.input[1]!);
  if (!w) return out;
  if (w.dims.length !== 4) return [`${where}: weight dims [${w.dims.join(', ')}] are not [out, in/group, kH, kW]`];
  const kernel = intsAttr(node, 'kernel_shape');
  if (kernel && kernel.join() !== w.dims.slice(2).join()) out.push(`${where}: kernel_shape [${kernel.join(', ')}] differs from weight dims [${w.dims.join(', ')}]`);
  const group = intAttr(node, 'group') ?? 1;
  if (w.dims[0]! % group !== 0) out.push(`${where}: group ${group} does not divide ${w.dims[0]} output channels`);
  const pads = intsAttr(node, 'pads');
  if (pads && pads.length !== 4) out.push(`${where}: pads must hold 4 values, got ${pads.length}`);
  const bias = node.input[2] ? constantOf(node.input[2]) : undefined;
  if (bias && (bias.dims.length !== 1 || bias.dims[0] !== w.dims[0])) out.push(`${where}: bias dims [${bias.dims.join(', ')}] do not match ${w.dims[0]} output channels`);
  return out;
}

/** Throws OnnxCheckError listing the problems when the check fails. */
export function assertOnnxModel(model: OnnxModel, label: string): void {
  const problems = checkOnnxModel(model);
  if (problems.length) throw new OnnxCheckError(label, problems);
}
