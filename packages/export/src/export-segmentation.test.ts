import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SegmentationDataset } from '@oqat/data';
import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import { loadOnnxRuntime } from '@oqat/latency';
import { evaluateSubnet, INPUT_NORMALIZATION, staticSubnet, type SegmentationSupernet } from '@oqat/search';
import { appLogits, maxAbsDiff, prepareSubnet, TINY_SEGMENTATION_SPECS, type TinyExportFixture, tinySegmentationExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentationImageSizeError } from './errors';
import { exportSubnet } from './export-subnet';
import { onnxSegmentationAccuracy } from './onnx-accuracy';
import { readPackedModel } from './read-packed-model';
import { tfjsFileHandler } from './tfjs-file-handler';

const ort = await loadOnnxRuntime();
const CLASSES = 4;

let f: TinyExportFixture<SegmentationSupernet>;
let dir: string;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinySegmentationExportFixture();
  dir = mkdtempSync(join(tmpdir(), 'oqat-export-seg-'));
});

afterAll(() => {
  f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** ONNX logits [N, K, H, W] of the fixture images, as NHWC (the app's layout). */
async function onnxLogits(path: string, optimization: 'all' | 'disabled'): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: optimization, executionProviders: ['cpu'] });
  const nchw = tf.tidy(() => tf.transpose(f.images, [0, 3, 1, 2]));
  const out = await session.run({ images: new ort.Tensor('float32', Float32Array.from(nchw.dataSync()), nchw.shape) });
  nchw.dispose();
  await session.release();
  const logits = out.logits!;
  expect(logits.dims).toEqual([24, CLASSES, 14, 14]);
  return tf.tidy(() => Float32Array.from(tf.transpose(tf.tensor4d(logits.data as Float32Array, [24, CLASSES, 14, 14]), [0, 2, 3, 1]).dataSync()));
}

/** Share of pixels whose argmax differs, among pixels whose top two logits are not (numerically) tied. */
function argmaxMismatches(got: Float32Array, expected: Float32Array): number {
  let bad = 0;
  for (let p = 0; p < expected.length / CLASSES; p++) {
    const row = Array.from(expected.subarray(p * CLASSES, (p + 1) * CLASSES));
    const top = row.indexOf(Math.max(...row));
    const sorted = [...row].sort((a, b) => b - a);
    const other = Array.from(got.subarray(p * CLASSES, (p + 1) * CLASSES));
    if (sorted[0]! - sorted[1]! > 1e-4 && other.indexOf(Math.max(...other)) !== top) bad++;
  }
  return bad;
}

/** 20 random 14x14 scenes with blocky random masks. */
function randomScenes(seed: number): SegmentationDataset {
  const rng = createRng(seed);
  const count = 20;
  const masks = new Uint8Array(count * 196);
  for (let i = 0; i < masks.length; i++) masks[i] = (Math.floor((i % 14) / 5) + Math.floor(i / 14 / 5) + Math.floor(i / 196)) % CLASSES;
  return {
    images: Uint8Array.from({ length: count * 196 }, () => rng.int(256)),
    masks, count, height: 14, width: 14, channels: 1, classNames: ['background', 'a', 'b', 'c'],
  };
}

describe('exportSubnet (segmentation)', () => {
  it.each(Object.entries(TINY_SEGMENTATION_SPECS))('writes tfjs, ONNX and packed models that compute the supernet\'s per-pixel logits (%s)', async (key, spec) => {
    prepareSubnet(f, spec);
    const expected = appLogits(f);
    const out = join(dir, key);
    const before = tf.memory().numTensors;
    const sub = staticSubnet(f.net, spec);
    const manifest = await exportSubnet({ net: sub, spec, formats: ['tfjs', 'onnx', 'packed'], outDir: out, imageSize: [14, 14] });
    sub.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(manifest.task).toBe('segmentation');
    expect(manifest.input.size).toEqual([14, 14]);
    expect(manifest.figures.resampleBytes).toBeGreaterThan(0);
    expect(manifest.figures.floatBytes).toBe(4 * manifest.figures.params + manifest.figures.resampleBytes);

    const scale = Math.max(1, maxAbsDiff(expected, new Float32Array(expected.length)));
    for (const level of ['all', 'disabled'] as const) {
      const got = await onnxLogits(join(out, 'model.onnx'), level);
      expect(maxAbsDiff(got, expected) / scale).toBeLessThan(1e-4);
      expect(argmaxMismatches(got, expected)).toBe(0);
    }

    const model = await tf.loadGraphModel(tfjsFileHandler(join(out, 'model.json')));
    const tfjs = tf.tidy(() => Float32Array.from((model.predict(f.images) as tf.Tensor).dataSync()));
    model.dispose();
    expect(maxAbsDiff(tfjs, expected) / scale).toBeLessThan(1e-4);

    const packed = readPackedModel(join(out, 'model.packed.json'));
    expect(packed.spec.task).toBe('segmentation');
    expect(packed.spec.input.size).toEqual([14, 14]);
    const resamples = packed.graph.nodes.filter((n) => n.kind === 'resample');
    // high map -> the skip grid (stride 1 in the tiny space: the resolution), then the skip grid -> the 14x14 images
    expect(resamples.map((n) => [n.name, n.outH, n.outW])).toEqual([['seg.high.up', spec.resolution, spec.resolution], ['seg.up', 14, 14]]);
  });

  it('measures the same mIoU in onnxruntime as the app, and needs the image size', async () => {
    const spec = TINY_SEGMENTATION_SPECS.large4!;
    const test = randomScenes(5);
    const app = evaluateSubnet(f.net, spec, { bn: f.bn, test, batchSize: 8 });
    const out = join(dir, 'miou');
    const sub = staticSubnet(f.net, spec);
    await exportSubnet({ net: sub, spec, formats: ['onnx'], outDir: out, imageSize: [14, 14] });
    const onnx = await onnxSegmentationAccuracy(join(out, 'model.onnx'), test, INPUT_NORMALIZATION, { batchSize: 7 });
    expect(onnx.images).toBe(20);
    expect(onnx.segmentation.pixels).toBe(app.segmentation!.pixels);
    expect(Math.abs(onnx.miou - app.score)).toBeLessThan(1e-3);
    expect(Math.abs(onnx.pixelAccuracy - app.top1)).toBeLessThan(1e-3);

    await expect(exportSubnet({ net: sub, spec, formats: ['onnx'], outDir: join(dir, 'no-size') })).rejects.toThrow(SegmentationImageSizeError);
    sub.dispose();
    await expect(onnxSegmentationAccuracy(join(out, 'model.onnx'), { ...test, height: 7, width: 28 }, INPUT_NORMALIZATION)).rejects.toThrow('export it with imageSize [7, 28]');
  });
});
