import {
  affineParams,
  GraphBuilder,
  encodeModel,
  qdq,
  quantizedBias,
  samePads,
  quantizedWeight,
  weightScales,
  type QuantParams,
} from '@oqat/onnx';
import { effectiveBits } from '../devices/device-names';
import { UnsupportedLayerError } from '../errors';
import type { Activation, LayerDesc } from '../ir/layer-desc';
import { outputHeight, outputWidth, seHiddenChannels } from '../ir/output-shape';
import type { Rng } from '@oqat/core';
import { planChain, type ValueRef } from './chain-plan';

export interface OnnxNetwork {
  /** .onnx bytes */
  bytes: Uint8Array;
  /** graph inputs (NCHW float32), in plan order */
  feeds: Array<{ name: string; dims: [number, number, number, number] }>;
  outputs: string[];
  /** layers built as int8 QDQ */
  quantizedLayers: number;
}

export interface OnnxNetworkOptions {
  /** device whose precision rule decides float vs int8 QDQ; default 'cpu-ort' (<= 8 bits -> int8) */
  device?: string;
  opset?: number;
}

interface Value {
  name: string;
  /** set when `name` is the DequantizeLinear output of a QDQ pair */
  q?: QuantParams & { scale: number };
}

const WIDE = affineParams(-8, 8) as QuantParams & { scale: number }; // general activations
const RELU = affineParams(0, 6) as QuantParams & { scale: number }; // after relu / relu6
const UNIT = affineParams(0, 1) as QuantParams & { scale: number }; // after (h)sigmoid

function random(rng: Rng, count: number, std: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal() * std;
  return out;
}

/**
 * Builds a layer list as one ONNX graph (NCHW, batch 1, random weights,
 * biases folded) wired by `planChain`. Layers the device runs at int8
 * (weights and activations <= 8 bits on cpu-ort) are written in the QDQ
 * format onnxruntime fuses into integer kernels: int8 per-channel weights,
 * int32 biases, uint8 activations with a QuantizeLinear/DequantizeLinear pair
 * on every layer output. The b-bit grid below 8 bits is not enforced (the
 * kernels are the same int8 ones; this graph is for timing).
 */
export function buildOnnxNetwork(layers: readonly LayerDesc[], rng: Rng, options: OnnxNetworkOptions = {}): OnnxNetwork {
  const device = options.device ?? 'cpu-ort';
  const plan = planChain(layers);
  const g = new GraphBuilder('network');
  const feeds = plan.feeds.map((s, i) => {
    const dims: [number, number, number, number] = [1, s.c, s.h, s.w];
    return { name: g.input(`feed_${i}`, 'float32', dims), dims };
  });
  const outs: Value[] = [];
  const valueOf = (ref: ValueRef): Value => (ref.kind === 'feed' ? { name: feeds[ref.index]!.name } : outs[ref.index]!);
  const scalar = (prefix: string, v: number) => g.constant(prefix, { dataType: 'float32', dims: [], values: [v] });
  const quantize = (name: string, p: QuantParams & { scale: number }): Value => ({ name: qdq(g, name, p), q: p });
  const ensureQ = (v: Value): Value => v.q ? v : quantize(v.name, WIDE);
  const applyAct = (x: string, a: Activation | undefined): string => {
    switch (a ?? 'none') {
      case 'relu':
        return g.node('Relu', [x]);
      case 'relu6':
        return g.node('Clip', [x, scalar('zero', 0), scalar('six', 6)]);
      case 'hswish':
        return g.node('HardSwish', [x]);
      case 'hsigmoid':
        return g.node('HardSigmoid', [x], { alpha: 1 / 6, beta: 0.5 });
      case 'sigmoid':
        return g.node('Sigmoid', [x]);
      default:
        return x;
    }
  };
  /** activation then output quantization, in the order runtimes fuse */
  const finish = (y: string, a: Activation | undefined, quant: boolean): Value => {
    const act = a ?? 'none';
    if (!quant) return { name: applyAct(y, act) };
    if (act === 'relu' || act === 'relu6') return quantize(applyAct(y, act), RELU);
    if (act === 'none') return quantize(y, WIDE);
    const pre = quantize(y, WIDE);
    return quantize(applyAct(pre.name, act), act === 'hswish' ? WIDE : UNIT);
  };
  /** Conv with random weights; quantized: int8 per-channel weights and int32 bias on a QDQ input */
  const conv = (x: Value, inC: number, outC: number, k: number, stride: number, groups: number, pads: number[], wBits: number, quant: boolean, prefix: string): string => {
    const dims = [outC, inC / groups, k, k];
    const w = random(rng, outC * (inC / groups) * k * k, Math.sqrt(2 / ((inC / groups) * k * k)));
    const b = random(rng, outC, 0.01);
    const attrs = { kernel_shape: [k, k], strides: [stride, stride], pads, group: groups, dilations: [1, 1] };
    if (!quant) {
      const wn = g.initializer(g.uniqueName(`${prefix}_w`), { dataType: 'float32', dims, values: w });
      const bn = g.initializer(g.uniqueName(`${prefix}_b`), { dataType: 'float32', dims: [outC], values: b });
      return g.node('Conv', [x.name, wn, bn], attrs);
    }
    const bits = Math.max(2, Math.min(8, wBits));
    const wq = quantizedWeight(g, `${prefix}_w`, w, dims, { bits, axis: 0 });
    const bq = quantizedBias(g, `${prefix}_b`, b, x.q!.scale, weightScales(w, dims, { bits, axis: 0 }));
    return g.node('Conv', [x.name, wq, bq], attrs);
  };

  let quantizedLayers = 0;
  plan.steps.forEach((step, i) => {
    const l = step.layer;
    const quant = effectiveBits(device, l.wBits) === 8 && effectiveBits(device, l.aBits) === 8;
    if (quant) quantizedLayers++;
    const prefix = `l${i}`;
    const input = quant ? ensureQ(valueOf(step.input)) : valueOf(step.input);
    const second = step.second ? (quant ? ensureQ(valueOf(step.second)) : valueOf(step.second)) : undefined;
    const outH = outputHeight(l);
    const outW = outputWidth(l);
    switch (l.op) {
      case 'conv':
      case 'dwconv': {
        const [pt, pb] = samePads(l.inH, l.kernel, l.stride, outH);
        const [pl, pr] = samePads(l.inW, l.kernel, l.stride, outW);
        const y = conv(input, l.inC, l.outC, l.kernel, l.stride, l.groups, [pt, pl, pb, pr], l.wBits, quant, prefix);
        outs.push(finish(y, l.act, quant));
        break;
      }
      case 'fc': {
        const inF = l.inH * l.inW * l.inC;
        const flat: Value = { name: g.node('Flatten', [input.name], { axis: 1 }) };
        const x = quant ? ensureQ(flat) : flat;
        const w = random(rng, inF * l.outC, Math.sqrt(1 / inF));
        const b = random(rng, l.outC, 0.01);
        let wn: string;
        let bn: string;
        if (quant) {
          const bits = Math.max(2, Math.min(8, l.wBits));
          wn = quantizedWeight(g, `${prefix}_w`, w, [l.outC, inF], { bits, axis: 0 });
          bn = quantizedBias(g, `${prefix}_b`, b, x.q!.scale, weightScales(w, [l.outC, inF], { bits, axis: 0 }));
        } else {
          wn = g.initializer(g.uniqueName(`${prefix}_w`), { dataType: 'float32', dims: [l.outC, inF], values: w });
          bn = g.initializer(g.uniqueName(`${prefix}_b`), { dataType: 'float32', dims: [l.outC], values: b });
        }
        const y = g.node('Gemm', [x.name, wn, bn], { transB: 1 });
        const shape = g.constant(`${prefix}_shape`, { dataType: 'int64', dims: [4], values: [1, l.outC, 1, 1] });
        const done = finish(y, l.act, quant);
        outs.push({ name: g.node('Reshape', [done.name, shape]), q: done.q });
        break;
      }
      case 'avgpool':
      case 'maxpool': {
        let y: string;
        if (l.op === 'avgpool' && outH === 1 && outW === 1 && l.kernel >= l.inH && l.kernel >= l.inW) {
          y = g.node('GlobalAveragePool', [input.name]);
        } else {
          const [pt, pb] = samePads(l.inH, l.kernel, l.stride, outH);
          const [pl, pr] = samePads(l.inW, l.kernel, l.stride, outW);
          const attrs: Record<string, number | number[]> = { kernel_shape: [l.kernel, l.kernel], strides: [l.stride, l.stride], pads: [pt, pl, pb, pr] };
          if (l.op === 'avgpool') attrs.count_include_pad = 0;
          y = g.node(l.op === 'avgpool' ? 'AveragePool' : 'MaxPool', [input.name], attrs);
        }
        outs.push(quant && (l.act ?? 'none') === 'none' ? quantize(y, input.q!) : finish(y, l.act, quant));
        break;
      }
      case 'add':
      case 'mul':
        outs.push(finish(g.node(l.op === 'add' ? 'Add' : 'Mul', [input.name, second!.name]), l.act, quant));
        break;
      case 'concat':
        outs.push(finish(g.node('Concat', [input.name, second!.name], { axis: 1 }), l.act, quant));
        break;
      case 'upsample': {
        const sizes = g.constant(`${prefix}_sizes`, { dataType: 'int64', dims: [4], values: [1, l.inC, outH, outW] });
        const y = g.node('Resize', [input.name, '', '', sizes], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
        outs.push(quant && (l.act ?? 'none') === 'none' ? quantize(y, input.q!) : finish(y, l.act, quant));
        break;
      }
      case 'activation':
        outs.push(finish(input.name, l.act, quant));
        break;
      case 'se': {
        const mid = seHiddenChannels(l.inC);
        let s: Value = { name: g.node('GlobalAveragePool', [input.name]) };
        if (quant) s = quantize(s.name, input.q!);
        const r = finish(conv(s, l.inC, mid, 1, 1, 1, [0, 0, 0, 0], l.wBits, quant, `${prefix}_reduce`), 'relu', quant);
        const e = conv(r, mid, l.inC, 1, 1, 1, [0, 0, 0, 0], l.wBits, quant, `${prefix}_expand`);
        const gate = finish(e, l.act ?? 'hsigmoid', quant);
        outs.push(finish(g.node('Mul', [input.name, gate.name]), 'none', quant));
        break;
      }
      default:
        throw new UnsupportedLayerError('onnx network', i, `has op '${(l as LayerDesc).op}', which it cannot build`);
    }
  });
  const outputs = plan.dangling.map((i) => outs[i]!.name);
  for (const o of outputs) g.output(o, 'float32');
  return { bytes: encodeModel(g.build({ opset: options.opset ?? 17, producerName: 'oqat-latency' })), feeds, outputs, quantizedLayers };
}

