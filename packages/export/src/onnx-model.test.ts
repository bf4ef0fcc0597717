import { initEngine, tf } from '@oqat/engine';
import { loadOnnxRuntime } from '@oqat/latency';
import { decodeModel, encodeModel } from '@oqat/onnx';
import { appLogits, maxAbsDiff, prepareSubnet, sameTop1, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { checkOnnxModel } from './check-onnx-model';
import { ONNX_INT4 } from './onnx-int4';
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
