import { initEngine, tf } from '@oqat/engine';
import { loadOnnxRuntime } from '@oqat/latency';
import { decodeModel, encodeModel } from '@oqat/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { checkOnnxModel } from './check-onnx-model';
import { ONNX_INT4 } from './onnx-int4';
import { onnxModel, samePads } from './onnx-model';
import { appLogits, maxAbsDiff, sameTop1, prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from './tiny-export.fixture';

let f: TinyExportFixture;
const ort = await loadOnnxRuntime();

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture();
});

afterAll(() => f.dispose());

async function runOnnx(bytes: Uint8Array, images: tf.Tensor, optimization: 'all' | 'disabled', qdqFusion = false): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: optimization, executionProviders: ['cpu'], ...(qdqFusion ? {} : { extra: { session: { disable_quant_qdq: '1' } } }),
  });
  const nchw = tf.tidy(() => tf.transpose(images, [0, 3, 1, 2]));
  const input = new ort.Tensor('float32', Float32Array.from(nchw.dataSync()), nchw.shape);
  nchw.dispose();
  const out = await session.run({ images: input });
  await session.release();
  return Float32Array.from(out.logits!.data as Float32Array);
}

describe('onnxModel', () => {
  it('pads like TF SAME', () => {
    expect(samePads(10, 3, 1)).toEqual([1, 1]);
    expect(samePads(10, 3, 2)).toEqual([0, 1]);
    expect(samePads(12, 5, 2)).toEqual([1, 2]);
    expect(samePads(3, 7, 1)).toEqual([3, 3]);
  });

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
      // onnxruntime computes exactly the exported arithmetic, without graph optimizations and with all but its QDQ transformers.
      const scale = Math.max(1, maxAbsDiff(expected, new Float32Array(expected.length)));
      for (const level of ['disabled', 'all'] as const) {
        const exact = await runOnnx(bytes, f.images, level);
        expect(maxAbsDiff(exact, expected) / scale).toBeLessThan(1e-5);
        expect(sameTop1(exact, expected, 3)).toBe(true);
      }
      // Its QDQ transformers quantize float biases to int32 and fuse QDQ into integer kernels:
      // exact for float layers, near for quantized ones (measured on a trained net in docs/benchmarks-export.md).
      const fused = await runOnnx(bytes, f.images, 'all', true);
      expect(fused.every(Number.isFinite)).toBe(true);
      if (spec.bits === 32) expect(maxAbsDiff(fused, expected) / scale).toBeLessThan(1e-5);
    });
  }
});
