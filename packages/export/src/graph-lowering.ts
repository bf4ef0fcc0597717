import { tf, type Tensor } from '@oqat/engine';
import { sameOutputSize } from '@oqat/onnx';
import { encodeUniform, getFormat } from '@oqat/quant';
import { type StaticBackbone, type StaticBatchNorm, type StaticConvBn, type StaticLinear, StaticQuant, type StaticQuantConfig } from '@oqat/search';
import { MultiTensorExportError } from './errors';
import type { ExportActivation, ExportNode, ExportWeight } from './export-graph';
import { esbWeightCodes } from './esb-export';

/** Low-precision tensors in a weight's sum (1 without a residual). */
const termCount = (q: StaticQuantConfig): number => 1 + (q.residual ? termCount(q.residual) : 0);

/**
 * The quantizer of a layer's weights or inputs, refused when the files cannot
 * hold it. Every number format reaches the writers (a pow2 step is frozen as a
 * plain uniform step; esb and abfp have their own codes, and the writers that
 * cannot hold them refuse with EsbExportError / AbfpExportError).
 */
function exportQuant(layer: string, quant: StaticQuantConfig): StaticQuantConfig {
  // Every writer holds one integer tensor per weight: MMSE's sums of several are refused (per-channel steps are written).
  if (quant.residual) throw new MultiTensorExportError(layer, termCount(quant));
  return { ...quant };
}

/** The weight the app computes with, on the host, with its integer codes when quantized. */
function exportWeight(layer: string, weight: Tensor, quant: StaticQuantConfig | undefined): ExportWeight {
  const shape = [...weight.shape];
  if (!quant) return { shape, values: Float32Array.from(weight.dataSync()) };
  exportQuant(layer, quant);
  const q = new StaticQuant(quant);
  try {
    const values = tf.tidy(() => Float32Array.from(q.apply(weight).dataSync()));
    if (quant.format === 'abfp') {
      // ABFP's exponents come from the float weight's blocks, as the fake quantizer computed them (not from the rounded values).
      const { bits, signed, blockSize, step } = quant;
      const e = getFormat('abfp').encode(weight.dataSync(), { bits, signed, ...(blockSize ? { blockSize } : {}), scales: Float32Array.of(step) });
      return { shape, values, quant: { ...quant }, codes: e.codes, exponents: e.exponents! };
    }
    // ESB: the b-bit codes of the app's values (sign, exponent, mantissa; esb-export.ts), decoded with alpha = step and k.
    if (quant.format === 'esb') return { shape, values, quant: { ...quant }, codes: esbWeightCodes(values, quant) };
    // Per-channel steps: element i of a tfjs weight ([k,k,in,out], [k,k,C,1], [in,out]) is in channel i % channels.
    const scales = quant.channelSteps ? Float32Array.from(quant.channelSteps) : Float32Array.of(quant.step);
    const codes = encodeUniform(values, { bits: quant.bits, signed: quant.signed, asymmetric: false, channels: scales.length, scales });
    return { shape, values, quant: { ...quant }, codes };
  } finally {
    q.dispose();
  }
}

/** BN as the app evaluates it: StaticBatchNorm's own fold (x·scale + shift), read to the host. */
function foldedBn(bn: StaticBatchNorm): { scale: Float32Array; shift: Float32Array } {
  return tf.tidy(() => {
    const { scale, shift } = bn.folded();
    return { scale: Float32Array.from(scale.dataSync()), shift: Float32Array.from(shift.dataSync()) };
  });
}

/** A value of the graph with the spatial size of its map. */
export interface LoweredMap {
  value: string;
  h: number;
  w: number;
}

/**
 * Lowers static layers to export nodes in execution order, tracking the
 * current map size (convs change it). Both tasks' graphs are built with it:
 * the backbone here, each head by its builder. Reads tensors to the host;
 * creates no lasting tensors.
 */
export class GraphLowering {
  readonly nodes: ExportNode[] = [];
  h: number;
  w: number;

  constructor(readonly resolution: number) {
    this.h = resolution;
    this.w = resolution;
  }

  convBn(name: string, input: string, part: StaticConvBn): string {
    const c = part.conv.config;
    const { scale, shift } = foldedBn(part.bn);
    const outH = sameOutputSize(this.h, c.stride);
    const outW = sameOutputSize(this.w, c.stride);
    const output = `${name}/bn`;
    this.nodes.push({
      kind: 'conv', name, input, output, depthwise: c.depthwise, kernel: c.kernel, stride: c.stride, inC: c.inC, outC: c.outC,
      inH: this.h, inW: this.w, outH, outW, weight: exportWeight(name, part.conv.weight, c.weightQuant),
      ...(c.inputQuant ? { inputQuant: exportQuant(name, c.inputQuant) } : {}), channelScale: scale, bias: shift,
    });
    this.h = outH;
    this.w = outW;
    return output;
  }

  /** A fully connected layer on [N, inF], or with `pixels` at every pixel of a map of that size. */
  linear(layer: StaticLinear, input: string, pixels?: { h: number; w: number }): string {
    const c = layer.config;
    const output = `${layer.name}/out`;
    this.nodes.push({
      kind: 'linear', name: layer.name, input, output, inF: c.inF, outF: c.outF, ...(pixels ? { pixels: { h: pixels.h, w: pixels.w } } : {}),
      weight: exportWeight(layer.name, layer.weight, c.weightQuant), ...(c.inputQuant ? { inputQuant: exportQuant(layer.name, c.inputQuant) } : {}),
      bias: Float32Array.from(layer.bias.dataSync()),
    });
    return output;
  }

  act(name: string, input: string, fn: ExportActivation): string {
    const output = `${name}/${fn}`;
    this.nodes.push({ kind: 'activation', name: `${name}.${fn}`, input, output, fn });
    return output;
  }

  add(name: string, a: string, b: string): string {
    const output = `${name}/add`;
    this.nodes.push({ kind: 'add', name: `${name}.add`, inputs: [a, b], output });
    return output;
  }

  /**
   * The backbone from the graph input: resize, stem, blocks, final
   * expansion. `skipAfterBlocks` also returns the output of the first n
   * blocks (0: the stem's), as StaticBackbone.forward does.
   */
  backbone(net: StaticBackbone, input: string, skipAfterBlocks?: number): { features: LoweredMap; skip?: LoweredMap } {
    const config = net.config;
    this.nodes.push({ kind: 'resize', name: 'resize', input, output: 'resized', size: this.resolution });
    let x = this.act('stem', this.convBn('stem', 'resized', net.stem), config.stem.act);
    let skip: LoweredMap | undefined = skipAfterBlocks === 0 ? { value: x, h: this.h, w: this.w } : undefined;
    net.blocks.forEach((block, i) => {
      const name = `blocks.${i}`;
      const a = block.config.act;
      let y = x;
      if (block.expand) y = this.act(`${name}.expand`, this.convBn(`${name}.expand`, y, block.expand), a);
      y = this.act(`${name}.dw`, this.convBn(`${name}.dw`, y, block.dw), a);
      if (block.se) {
        const channels = block.dw.conv.config.outC;
        const pooled = `${name}.se/pool`;
        this.nodes.push({ kind: 'global-avg-pool', name: `${name}.se.pool`, input: y, output: pooled, channels });
        const hidden = this.act(`${name}.se.reduce`, this.linear(block.se.reduce, pooled), 'relu');
        const gate = this.act(`${name}.se.expand`, this.linear(block.se.expand, hidden), 'hsigmoid');
        const scaled = `${name}.se/out`;
        this.nodes.push({ kind: 'channel-mul', name: `${name}.se.scale`, input: y, gate, output: scaled, channels });
        y = scaled;
      }
      y = this.convBn(`${name}.project`, y, block.project);
      x = block.config.shortcut ? this.add(name, y, x) : y;
      if (i + 1 === skipAfterBlocks) skip = { value: x, h: this.h, w: this.w };
    });
    const features = { value: this.act('head.expand', this.convBn('head.expand', x, net.headExpand), config.head.act), h: this.h, w: this.w };
    return skip ? { features, skip } : { features };
  }
}
