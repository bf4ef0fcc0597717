import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf, type Tensor } from '@oqat/engine';
import { loadOnnxRuntime } from '@oqat/latency';
import { decodeModel, encodeModel } from '@oqat/onnx';
import { setIntegerRequant } from '@oqat/search';
import { appLogits, argmaxRows, maxAbsDiff, prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { checkOnnxModel } from './check-onnx-model';
import { OnnxIntegerError } from './errors';
import type { ConvNode, ExportGraph } from './export-graph';
import { integerLogits } from './onnx-integer-eval';
import { appQ8, hswishInputQ8, integerGraph, rangeQ8, WEIGHT_CODE_GAIN, type IntegerConv } from './onnx-integer-graph';
import { onnxIntegerModel } from './onnx-integer-model';

const ort = await loadOnnxRuntime();
let f: TinyExportFixture;
let dir: string;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture();
  dir = mkdtempSync(join(tmpdir(), 'oqat-onnx-integer-'));
});

afterAll(() => {
  f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('appQ8', () => {
  it('holds the app\'s b-bit quantizer exactly: its step, zero point Qn (signed) or 0, codes up to Qn + Qp', () => {
    expect(appQ8({ bits: 3, signed: true, step: 1 })).toEqual({ step: 1, zeroPoint: 4, max: 7 });
    expect(appQ8({ bits: 2, signed: false, step: 0.5 })).toEqual({ step: 0.5, zeroPoint: 0, max: 3 });
    expect(appQ8({ bits: 8, signed: true, step: 0.5 })).toEqual({ step: 0.5, zeroPoint: 128 });
  });
});

describe('hswishInputQ8', () => {
  it("holds h-swish's preimage of its reader's range, not the range itself", () => {
    // unsigned 2-bit reader, step 0.5: range [0, 1.5]; h-swish(x) = x(x + 3)/6 = 1.5 at x = (−3 + √45)/2 ≈ 1.854
    const q = hswishInputQ8({ step: 0.5, zeroPoint: 0, max: 3 });
    expect(q.zeroPoint).toBe(0);
    expect(255 * q.step).toBeCloseTo((-3 + Math.sqrt(45)) / 2, 5);
    // a signed reader: from −3 (below it h-swish is 0); a top above 3 is its own preimage
    const s = hswishInputQ8({ step: 1, zeroPoint: 2, max: 7 });
    expect(-s.zeroPoint * s.step).toBeCloseTo(-3, 1);
    expect((255 - s.zeroPoint) * s.step).toBeCloseTo(5, 1);
  });
});

describe('rangeQ8', () => {
  it('keeps the app quantizer\'s clipping range on 255 uint8 steps', () => {
    // 3-bit unsigned, step 0.7: [0, 7·0.7] = [0, 4.9] -> step 4.9/255, zero point 0
    expect(rangeQ8({ bits: 3, signed: false, step: 0.7 })).toEqual({ step: Math.fround(4.9 / 255), zeroPoint: 0 });
    // 3-bit signed, step 1: [-4, 3] -> step 7/255, zero point round(4·255/7) = round(145.71) = 146
    expect(rangeQ8({ bits: 3, signed: true, step: 1 })).toEqual({ step: Math.fround(7 / 255), zeroPoint: 146 });
    // 8 bits: the app's own quantizer, signed as zero point 128
    expect(rangeQ8({ bits: 8, signed: true, step: 0.5 })).toEqual({ step: 0.5, zeroPoint: 128 });
    expect(rangeQ8({ bits: 8, signed: false, step: 0.25 })).toEqual({ step: 0.25, zeroPoint: 0 });
  });
});

/** A one-conv graph: 1x1 conv, 2 input channels -> 2 output channels, BN multipliers [2, -0.5]. */
function oneConvGraph(): ExportGraph {
  const conv: ConvNode = {
    kind: 'conv', name: 'c', input: 'images', output: 'c/bn', depthwise: false, kernel: 1, stride: 1, inC: 2, outC: 2, inH: 1, inW: 1, outH: 1, outW: 1,
    // tfjs layout [1, 1, in, out]: w[i][o]; codes·step with step 0.5
    weight: { shape: [1, 1, 2, 2], values: Float32Array.of(0.5, -1, 1.5, -2), codes: Int32Array.of(1, -2, 3, -4), quant: { bits: 3, signed: true, step: 0.5 } },
    inputQuant: { bits: 8, signed: true, step: 0.1 },
    channelScale: Float32Array.of(2, -0.5), bias: Float32Array.of(0.33, -0.075),
  };
  const cls = {
    kind: 'linear' as const, name: 'cls', input: 'c/bn', output: 'logits', inF: 2, outF: 2,
    weight: { shape: [2, 2], values: Float32Array.of(1, 0, 0, 1), codes: Int32Array.of(1, 0, 0, 1), quant: { bits: 8, signed: true, step: 1 } },
    inputQuant: { bits: 8, signed: true, step: 0.05 }, bias: Float32Array.of(0, 0),
  };
  return { task: 'classification', input: 'images', output: 'logits', inputC: 2, resolution: 1, numClasses: 2, nodes: [conv, cls], config: {} as ExportGraph['config'] };
}

describe('integerGraph', () => {
  it('folds BN into per-channel weight scales and writes the bias as int32 at s_x·s_w, the codes 2^(7−b) times finer', () => {
    const ig = integerGraph(oneConvGraph());
    const c = ig.ops.find((o): o is IntegerConv => o.op === 'conv' && o.name === 'c')!;
    // 3-bit weights: codes times 2^4 = 16 at a 16 times finer scale
    expect(WEIGHT_CODE_GAIN(3)).toBe(16);
    expect(WEIGHT_CODE_GAIN(8)).toBe(1);
    // channel 0: a = 2 > 0, scale 0.5·2/16, codes 16·w[i][0] = [16, 48]; channel 1: a = -0.5, scale 0.25/16, codes flipped: -16·[-2, -4] = [32, 64]
    expect(Array.from(c.weightScales)).toEqual([0.0625, 0.015625]);
    expect(Array.from(c.codes)).toEqual([16, 48, 32, 64]);
    // bias steps s_x·s_w: 0.1·0.0625 and 0.1·0.015625; 0.33 / 0.00625 = 52.8 -> 53, -0.075 / 0.0015625 = -48
    expect(Array.from(c.biasScales)).toEqual([Math.fround(Math.fround(0.1) * 0.0625), Math.fround(Math.fround(0.1) * 0.015625)]);
    expect(Array.from(c.bias)).toEqual([53, -48]);
    // the conv's output is requantized to what the classifier reads (8-bit signed, step 0.05), widened by nothing
    expect(c.outQ).toEqual({ step: Math.fround(0.05), zeroPoint: 128 });
    expect(ig.ops.find((o) => o.op === 'conv' && o.name === 'cls')).not.toHaveProperty('outQ');
  });

  it('takes per-channel weight steps (channelSteps) into the per-channel scales and biases', () => {
    const g = oneConvGraph();
    const conv = g.nodes[0] as ConvNode;
    conv.weight.quant = { ...conv.weight.quant!, channelSteps: [0.5, 0.2] };
    const c = integerGraph(g).ops.find((o): o is IntegerConv => o.op === 'conv' && o.name === 'c')!;
    // channel 0: 0.5·2/16; channel 1: 0.2·0.5/16 = 0.00625; bias -0.075 / (0.1·0.00625) = -120
    expect(Array.from(c.weightScales)).toEqual([0.0625, Math.fround(0.1 / 16)]);
    expect(Array.from(c.bias)).toEqual([53, -120]);
  });

  it('computes QLinearConv on codes: acc + bias, times s_x·s_w/s_y, rounded half to even', () => {
    const ig = integerGraph(oneConvGraph());
    // x = [0.25, -0.3]: codes round(2.5) = 2 (half to even) + 128, round(-3) + 128 = 125
    const logits = tf.tidy(() => Array.from(integerLogits(ig, tf.tensor4d([0.25, -0.3], [1, 1, 1, 2]), new Map()).dataSync()));
    // channel 0: acc = 2·16 + (-3)·48 = -112, + bias 53 = -59, · (0.00625/0.05 = 0.125) = -7.375 -> -7 -> value -0.35
    // (the float layer: 0.2·1 - 0.3·3 + 0.33 = -0.37 -> -0.35; the bias at the app's step, 3 = 0.3 instead of 0.33, gave -0.4)
    // channel 1: acc = 2·32 + (-3)·64 = -128, + bias -48 = -176, · (0.0015625/0.05 = 0.03125) = -5.5 -> -6 (half to even) -> value -0.3
    // classifier: identity weights at step 1, input step 0.05: logits = codes·0.05
    expect(logits[0]).toBeCloseTo(-0.35, 6);
    expect(logits[1]).toBeCloseTo(-0.3, 6);
  });

  it('refuses float layers and segmentation heads in one line', () => {
    const g = oneConvGraph();
    const conv = g.nodes[0] as ConvNode;
    conv.weight = { shape: conv.weight.shape, values: conv.weight.values };
    expect(() => integerGraph(g)).toThrow(OnnxIntegerError);
    expect(() => integerGraph(g)).toThrow(/layer c runs in float/);
    expect(() => integerGraph({ ...oneConvGraph(), task: 'segmentation' })).toThrow(/classification subnets only/);
  });
});

describe('an 8-bit channel with code −128 and a negative BN multiplier', () => {
  it('keeps its codes under a negative scale, and onnxruntime computes what the evaluator computes', async () => {
    const g = oneConvGraph();
    const conv = g.nodes[0] as ConvNode;
    // 8-bit weights; channel 1 (a = −0.5) holds −128, which int8 cannot negate
    conv.weight = { shape: [1, 1, 2, 2], values: Float32Array.of(0.5, -64, 1.5, 2), codes: Int32Array.of(1, -128, 3, 4), quant: { bits: 8, signed: true, step: 0.5 } };
    const ig = integerGraph(g);
    const c = ig.ops.find((o): o is IntegerConv => o.op === 'conv' && o.name === 'c')!;
    expect(Array.from(c.weightScales)).toEqual([1, -0.25]);
    expect(Array.from(c.codes)).toEqual([1, 3, -128, 4]);
    const path = join(dir, 'negative-scale.onnx');
    writeFileSync(path, encodeModel(onnxIntegerModel(ig)));
    const images = tf.tensor4d([0.25, -0.3, 0.1, 0.2], [2, 1, 1, 2]);
    const got = await ortLogits(path, images);
    const expected = tf.tidy(() => Float32Array.from(integerLogits(ig, images, new Map()).dataSync()));
    images.dispose();
    // x codes [2, −3]: channel 1 acc = 2·(−128) + (−3)·4 = −268, bias round(−0.075 / −0.025) = 3: −265 · (−0.025 / 0.05) = 132.5 → 132, + 128 saturates at 255: (255 − 128)·0.05 = 6.35
    expect(expected[1]).toBeCloseTo(6.35, 5);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });
});

async function ortLogits(path: string, images: Tensor, optimized?: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'all', ...(optimized ? { optimizedModelFilePath: optimized } : {}),
  });
  const nchw = tf.tidy(() => tf.transpose(images, [0, 3, 1, 2]));
  const out = await session.run({ images: new ort.Tensor('float32', Float32Array.from(nchw.dataSync()), nchw.shape) });
  nchw.dispose();
  await session.release();
  return Float32Array.from(out.logits!.data as Float32Array);
}

describe('the app under the onnxruntime preset', () => {
  it("computes the integer graph where a squeeze-excite reader's step is ~0 and the pool takes s_x/128 instead", () => {
    prepareSubnet(f, TINY_SPECS.large4!);
    const reduce = f.net.layerQuants.get('stages.1.0.se.reduce')!;
    const learned = reduce.frozen().input!.step;
    reduce.restoreStep('aq', 8, Float32Array.of(1e-7));
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const ig = integerGraph(buildExportGraph(sub));
    sub.dispose();
    const gap = ig.ops.find((o) => o.op === 'gap' && o.name.endsWith('se.pool'));
    expect(gap && gap.op === 'gap' && gap.from.step / gap.q.step).toBeCloseTo(128, 3);
    const weights = new Map<string, Tensor>();
    const expected = tf.tidy(() => Float32Array.from(integerLogits(ig, f.images, weights).dataSync()));
    for (const w of weights.values()) w.dispose();
    const quants = [...f.net.layerQuants.values()];
    setIntegerRequant(quants, true);
    const app = appLogits(f);
    setIntegerRequant(quants, false);
    const classes = ig.graph.numClasses;
    expect(argmaxRows(app, classes)).toEqual(argmaxRows(expected, classes));
    expect(maxAbsDiff(app, expected) / Math.max(...expected.map(Math.abs))).toBeLessThan(1e-5);
    reduce.restoreStep('aq', 8, Float32Array.of(learned));
  });
});

describe('onnxIntegerModel in onnxruntime', () => {
  it.each(['large4', 'mid3', 'small2', 'mixed'])('fuses every layer but the classifier into QLinearConv, computes what the app evaluates, and the app under the onnxruntime preset computes it (%s)', async (key) => {
    prepareSubnet(f, TINY_SPECS[key]!);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const graph = buildExportGraph(sub);
    sub.dispose();
    const ig = integerGraph(graph);
    const model = onnxIntegerModel(ig);
    expect(checkOnnxModel(model)).toEqual([]);
    const path = join(dir, `${key}.onnx`);
    const optimized = join(dir, `${key}.opt.onnx`);
    writeFileSync(path, encodeModel(model));
    const got = await ortLogits(path, f.images, optimized);

    // onnxruntime's optimised graph: one QLinearConv per conv and linear layer but the float classifier
    const ops = new Map<string, number>();
    for (const n of decodeModel(readFileSync(optimized)).graph.node) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
    const layers = graph.nodes.filter((n) => n.kind === 'conv' || n.kind === 'linear').length;
    expect(ops.get('QLinearConv')).toBe(layers - 1);
    expect(ops.get('Conv')).toBe(1);
    expect(ops.get('QLinearAdd') ?? 0).toBe(graph.nodes.filter((n) => n.kind === 'add').length);
    expect(ops.get('QLinearGlobalAveragePool')).toBe(graph.nodes.filter((n) => n.kind === 'global-avg-pool').length);
    // the squeeze-excite products and every h-swish (x times its h-sigmoid table) on codes; no float activation left
    const hswish = graph.nodes.filter((n) => n.kind === 'activation' && n.fn === 'hswish').length;
    expect(ops.get('QLinearMul') ?? 0).toBe(graph.nodes.filter((n) => n.kind === 'channel-mul').length + hswish);
    for (const float of ['HardSigmoid', 'HardSwish', 'Mul', 'Add', 'Relu', 'Clip']) expect(ops.get(float)).toBeUndefined();
    // the app's b-bit clips: fused table lookups, no float LeakyRelu left
    expect(ops.get('QLinearLeakyRelu')).toBeGreaterThan(0);
    expect(ops.get('LeakyRelu')).toBeUndefined();

    // the app's evaluation of the integer graph: the same classes, logits within a few requantization steps
    const weights = new Map<string, Tensor>();
    const expected = tf.tidy(() => Float32Array.from(integerLogits(ig, f.images, weights).dataSync()));
    for (const w of weights.values()) w.dispose();
    const classes = graph.numClasses;
    let same = 0;
    for (let i = 0; i < got.length / classes; i++) {
      const arg = (l: Float32Array): number => l.subarray(i * classes, (i + 1) * classes).reduce((b, v, c, a) => (v > a[b]! ? c : b), 0);
      if (arg(got) === arg(expected)) same++;
    }
    expect(same / (got.length / classes)).toBeGreaterThanOrEqual(23 / 24);
    const scale = Math.max(...expected.map(Math.abs));
    const diff = Math.max(...got.map((v, i) => Math.abs(v - expected[i]!)));
    expect(diff / scale).toBeLessThan(0.05);

    // the app's own forward under the onnxruntime preset's requantizations (setIntegerRequant): the integer graph's
    // classes and logits, where the b-bit app's differ (its float adds, squeeze-excite, h-swish and biases)
    const quants = [...f.net.layerQuants.values()];
    setIntegerRequant(quants, true);
    const app = appLogits(f);
    setIntegerRequant(quants, false);
    const bBit = appLogits(f);
    // measured: 0.6-1.2e-7 of the largest logit (float order only), the b-bit app's 0.36-0.55
    expect(argmaxRows(app, classes)).toEqual(argmaxRows(expected, classes));
    expect(maxAbsDiff(app, expected) / scale).toBeLessThan(1e-5);
    expect(maxAbsDiff(bBit, expected) / scale).toBeGreaterThan(0.1);
    const ortSame = argmaxRows(app, classes).filter((c, i) => c === argmaxRows(got, classes)[i]).length;
    expect(ortSame / (app.length / classes)).toBeGreaterThanOrEqual(23 / 24);
  });
});
