import { tf, type Tensor } from '@oqat/engine';
import { encodeUniform } from '@oqat/quant';
import { BN_EPSILON } from '../supernet/ops/dynamic-batch-norm';
import type { StaticBatchNorm } from '../static/static-batch-norm';
import type { StaticConv2d } from '../static/static-conv2d';
import type { StaticQuantConfig } from '../static/static-layer';
import type { StaticLinear } from '../static/static-linear';
import type { StaticMobileNet } from '../static/static-mobilenet';
import { StaticQuant } from '../static/static-quant';
import type { ExportActivation, ExportGraph, ExportNode, ExportWeight } from './export-graph';

/** Output side of a 'same'-padded conv. */
export function sameOutputSize(size: number, stride: number): number {
  return Math.ceil(size / stride);
}

/** The weight the app computes with, on the host, with its integer codes when quantized. */
function exportWeight(weight: Tensor, quant: StaticQuantConfig | undefined): ExportWeight {
  const shape = [...weight.shape];
  if (!quant) return { shape, values: Float32Array.from(weight.dataSync()) };
  const q = new StaticQuant(quant);
  try {
    const values = tf.tidy(() => Float32Array.from(q.apply(weight).dataSync()));
    const codes = encodeUniform(values, { bits: quant.bits, signed: quant.signed, asymmetric: false, channels: 1, scales: Float32Array.of(quant.step) });
    return { shape, values, quant: { ...quant }, codes };
  } finally {
    q.dispose();
  }
}

/** BN as the app evaluates it (StaticBatchNorm.forward): x·scale + shift, computed with the same tensor ops. */
function foldedBn(bn: StaticBatchNorm): { scale: Float32Array; shift: Float32Array } {
  return tf.tidy(() => {
    const scale = tf.mul(bn.gamma, tf.rsqrt(tf.add(bn.variance, BN_EPSILON)));
    const shift = tf.sub(bn.beta, tf.mul(bn.mean, scale));
    return { scale: Float32Array.from(scale.dataSync()), shift: Float32Array.from(shift.dataSync()) };
  });
}

/**
 * Lowers a static subnet (an extracted StaticMobileNet, BN statistics
 * re-estimated) to the export graph: the exact sequence of operations of
 * StaticMobileNet.forward, with BN folded into a per-channel multiplier and
 * bias. Reads the tensors to the host; creates no lasting tensors.
 */
export function buildExportGraph(net: StaticMobileNet): ExportGraph {
  const config = net.config;
  const nodes: ExportNode[] = [];
  const r = config.resolution;
  let h = r;
  let w = r;

  const convBn = (name: string, input: string, part: { conv: StaticConv2d; bn: StaticBatchNorm }): string => {
    const c = part.conv.config;
    const { scale, shift } = foldedBn(part.bn);
    const outH = sameOutputSize(h, c.stride);
    const outW = sameOutputSize(w, c.stride);
    const output = `${name}/bn`;
    nodes.push({
      kind: 'conv', name, input, output, depthwise: c.depthwise, kernel: c.kernel, stride: c.stride, inC: c.inC, outC: c.outC,
      inH: h, inW: w, outH, outW, weight: exportWeight(part.conv.weight, c.weightQuant),
      ...(c.inputQuant ? { inputQuant: { ...c.inputQuant } } : {}), channelScale: scale, bias: shift,
    });
    h = outH;
    w = outW;
    return output;
  };
  const linear = (layer: StaticLinear, input: string): string => {
    const c = layer.config;
    const output = `${layer.name}/out`;
    nodes.push({
      kind: 'linear', name: layer.name, input, output, inF: c.inF, outF: c.outF, weight: exportWeight(layer.weight, c.weightQuant),
      ...(c.inputQuant ? { inputQuant: { ...c.inputQuant } } : {}), bias: Float32Array.from(layer.bias.dataSync()),
    });
    return output;
  };
  const act = (name: string, input: string, fn: ExportActivation): string => {
    const output = `${name}/${fn}`;
    nodes.push({ kind: 'activation', name: `${name}.${fn}`, input, output, fn });
    return output;
  };

  nodes.push({ kind: 'resize', name: 'resize', input: 'images', output: 'resized', size: r });
  let x = act('stem', convBn('stem', 'resized', net.stem), config.stem.act);
  net.blocks.forEach((block, i) => {
    const name = `blocks.${i}`;
    const a = block.config.act;
    const blockInput = x;
    let y = x;
    if (block.expand) y = act(`${name}.expand`, convBn(`${name}.expand`, y, block.expand), a);
    y = act(`${name}.dw`, convBn(`${name}.dw`, y, block.dw), a);
    if (block.se) {
      const channels = block.dw.conv.config.outC;
      const pooled = `${name}.se/pool`;
      nodes.push({ kind: 'global-avg-pool', name: `${name}.se.pool`, input: y, output: pooled, channels });
      const hidden = act(`${name}.se.reduce`, linear(block.se.reduce, pooled), 'relu');
      const gate = act(`${name}.se.expand`, linear(block.se.expand, hidden), 'hsigmoid');
      const scaled = `${name}.se/out`;
      nodes.push({ kind: 'channel-mul', name: `${name}.se.scale`, input: y, gate, output: scaled, channels });
      y = scaled;
    }
    y = convBn(`${name}.project`, y, block.project);
    if (block.config.shortcut) {
      const sum = `${name}/add`;
      nodes.push({ kind: 'add', name: `${name}.add`, inputs: [y, blockInput], output: sum });
      y = sum;
    }
    x = y;
  });
  x = act('head.expand', convBn('head.expand', x, net.headExpand), config.head.act);
  nodes.push({ kind: 'global-avg-pool', name: 'head.pool', input: x, output: 'head/pool', channels: config.head.expand.outC });
  x = 'head/pool';
  if (net.mix) x = act('head.mix', linear(net.mix, x), config.head.act);
  const logits = linear(net.classifier, x);
  return { input: 'images', output: logits, inputC: config.inputC, resolution: r, numClasses: config.numClasses, nodes, config: net.toConfig() };
}
