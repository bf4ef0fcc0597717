import { initEngine, tf } from '@oqat/engine';
import { loadOnnxRuntime } from '@oqat/latency';
import { decodeModel, encodeModel } from '@oqat/onnx';
import { appLogits, maxAbsDiff, prepareSubnet, sameTop1, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { checkOnnxModel } from './check-onnx-model';
import { ONNX_INT4 } from './onnx-int4';
import type { ExportGraph, LinearNode } from './export-graph';
import { onnxModel } from './onnx-model';

let f: TinyExportFixture;
const ort = await loadOnnxRuntime();

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture();
});

afterAll(() => f.dispose());

async function runOnnx(bytes: Uint8Array, images: tf.Tensor, optimization: 'all' | 'disabled'): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: optimization, executionProviders: ['cpu'] });
  const nchw = tf.tidy(() => tf.transpose(images, [0, 3, 1, 2]));
  const input = new ort.Tensor('float32', Float32Array.from(nchw.dataSync()), nchw.shape);
  nchw.dispose();
  const out = await session.run({ images: input });
  await session.release();
  return Float32Array.from(out.logits!.data as Float32Array);
}

describe('onnxModel', () => {
  for (const int4 of [false, true]) {
    it.each(Object.entries(TINY_SPECS))(`runs in onnxruntime and matches the app (%s, int4 ${int4})`, async (_key, spec) => {
      prepareSubnet(f, spec);
      const expected = appLogits(f);
      const sub = f.net.extractSubnet({ preserveWeights: true });
      const model = onnxModel(buildExportGraph(sub), { int4 });
      sub.dispose();
      expect(checkOnnxModel(model)).toEqual([]);
      expect(model.opsetImport[0]!.version).toBe(int4 ? 21 : 13);
      const bytes = encodeModel(model);
      const ops = new Set(model.graph.node.map((n) => n.opType));
      if (spec.bits !== 32) {
        expect(ops).toContain('QuantizeLinear');
        expect(ops).toContain('DequantizeLinear');
        expect(model.graph.initializer.some((t) => t.dataType === ONNX_INT4)).toBe(int4);
      }
      expect(checkOnnxModel(decodeModel(bytes))).toEqual([]);
      // onnxruntime computes the exported arithmetic, the app's, with its default optimizations (QDQ transformers
      // included: the biases are separate Adds, so it cannot requantize them) and without any.
      const scale = Math.max(1, maxAbsDiff(expected, new Float32Array(expected.length)));
      for (const level of ['all', 'disabled'] as const) {
        const got = await runOnnx(bytes, f.images, level);
        expect(maxAbsDiff(got, expected) / scale).toBeLessThan(1e-5);
        expect(sameTop1(got, expected, 3)).toBe(true);
      }
    });
  }
});

describe('onnxModel with per-channel weight steps (channelSteps)', () => {
  it('dequantizes each output channel with its own step (axis 0) and onnxruntime computes the hand-worked logits', async () => {
    const linear: LinearNode = {
      kind: 'linear', name: 'cls', input: 'images', output: 'logits', inF: 2, outF: 2,
      // tfjs [in, out] codes [[1, -2], [3, 4]], steps 0.5 and 0.25 per output channel
      weight: { shape: [2, 2], values: Float32Array.of(0.5, -0.5, 1.5, 1), codes: Int32Array.of(1, -2, 3, 4), quant: { bits: 4, signed: true, step: 0.375, channelSteps: [0.5, 0.25] } },
      inputQuant: { bits: 8, signed: true, step: 0.1 }, bias: Float32Array.of(0.1, -0.2),
    };
    const graph: ExportGraph = { task: 'classification', input: 'images', output: 'logits', inputC: 2, resolution: 1, numClasses: 2, nodes: [linear], config: {} as ExportGraph['config'] };
    const model = onnxModel(graph);
    expect(checkOnnxModel(model)).toEqual([]);
    const dq = model.graph.node.find((n) => n.name === 'cls/weight_dequantize')!;
    expect(dq.attribute.find((a) => a.name === 'axis')?.i).toBe(0);
    const session = await ort.InferenceSession.create(encodeModel(model), { executionProviders: ['cpu'] });
    const out = await session.run({ images: new ort.Tensor('float32', Float32Array.of(0.3, -0.2), [1, 2, 1, 1]) });
    await session.release();
    // y0 = (0.3·1 − 0.2·3)·0.5 + 0.1 = −0.05; y1 = (0.3·(−2) − 0.2·4)·0.25 − 0.2 = −0.55
    const logits = out.logits!.data as Float32Array;
    expect(logits[0]).toBeCloseTo(-0.05, 5);
    expect(logits[1]).toBeCloseTo(-0.55, 5);
  });
});
