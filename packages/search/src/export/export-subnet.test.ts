import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type ImageDataset } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSubnet, INPUT_NORMALIZATION } from '../eval/evaluate-subnet';
import { UnknownExportFormatError, SubnetMismatchError } from './errors';
import { EXPORT_MANIFEST_FILE, exportSubnet, type ExportFormat } from './export-subnet';
import { onnxAccuracy } from './onnx-accuracy';
import { readPackedModel } from './read-packed-model';
import { tfjsFileHandler } from './tfjs-file-handler';
import { argmaxRows, prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from './tiny-export.fixture';

let f: TinyExportFixture;
let dir: string;

/** 60 random 10x10 grey images with random labels: enough to compare predictions, not to learn. */
function randomDataset(seed: number): ImageDataset {
  const rng = createRng(seed);
  const count = 60;
  return {
    images: Uint8Array.from({ length: count * 100 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(3)),
    count, height: 10, width: 10, channels: 1, classNames: ['a', 'b', 'c'],
  };
}

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture();
  dir = mkdtempSync(join(tmpdir(), 'oqat-export-'));
});

afterAll(() => {
  f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('exportSubnet', () => {
  it('writes tfjs, onnx and packed files with sizes and SHA-256, and onnxruntime measures the app accuracy', async () => {
    const spec = TINY_SPECS.mid3!;
    const test = randomDataset(11);
    const app = evaluateSubnet(f.net, spec, { bn: f.bn, test, batchSize: 32 });
    const before = tf.memory().numTensors;
    const out = join(dir, 'all');
    const manifest = await exportSubnet({ net: f.net, spec, formats: ['onnx', 'tfjs', 'packed', 'onnx'], outDir: out, bnImages: f.bn });
    expect(tf.memory().numTensors).toBe(before);

    expect(manifest.formats).toEqual(['tfjs', 'onnx', 'packed']);
    expect(manifest.files.map((x) => x.name)).toEqual(['model.json', 'weights.bin', 'model.onnx', 'model.packed.json', 'model.packed.bin']);
    for (const file of manifest.files) {
      const bytes = readFileSync(file.path);
      expect(file.sizeBytes).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(JSON.parse(readFileSync(join(out, EXPORT_MANIFEST_FILE), 'utf8'))).toEqual(JSON.parse(JSON.stringify(manifest)));
    const fig = manifest.figures;
    expect(fig.floatBytes).toBe(4 * fig.params);
    expect(fig.packedWeightsBytes).toBe(manifest.files.find((x) => x.kind === 'packed-weights')!.sizeBytes);
    expect(fig.compression).toBeGreaterThan(1);
    expect(readPackedModel(join(out, 'model.packed.json')).spec.subnet).toEqual(spec);

    // onnxruntime, file arithmetic as written: the app's predictions, hence its accuracy
    const exact = await onnxAccuracy(join(out, 'model.onnx'), test, INPUT_NORMALIZATION, { optimization: 'disabled', batchSize: 25 });
    expect(exact.images).toBe(test.count);
    {
      const { floatBatches } = await import('@oqat/data');
      const { EVAL } = await import('../supernet/forward-context');
      const preds: number[] = [];
      const logs: number[][] = [];
      for (const b of floatBatches(test, { batchSize: 32, seed: 0, shuffle: false, normalize: INPUT_NORMALIZATION })) {
        const l = tf.tidy(() => Array.from(f.net.forward(tf.tensor4d(b.images, [b.size, 10, 10, 1]), EVAL).dataSync()));
        for (let i = 0; i < b.size; i++) logs.push(l.slice(i * 3, i * 3 + 3));
        preds.push(...argmaxRows(l, 3));
      }
      preds.forEach((p, i) => { if (p !== exact.predictions[i]) console.log('DIFF', i, p, exact.predictions[i], logs[i]); });
      console.log('APP', app.top1, 'EXACT', exact.top1, 'recount', preds.filter((p, i) => p === test.labels[i]).length / 60);
    }
    expect(exact.top1).toBeCloseTo(app.top1, 10);
    const optimized = await onnxAccuracy(join(out, 'model.onnx'), test, INPUT_NORMALIZATION);
    expect(optimized.images).toBe(test.count);

    // the tfjs files, loaded from disk, predict the classes onnxruntime predicts
    const model = await tf.loadGraphModel(tfjsFileHandler(join(out, 'model.json')));
    const images = tf.tidy(() => tf.div(tf.sub(tf.div(tf.tensor4d(test.images, [60, 10, 10, 1], 'float32'), 255), INPUT_NORMALIZATION.mean), INPUT_NORMALIZATION.std));
    const logits = tf.tidy(() => Float32Array.from((model.predict(images) as tf.Tensor).dataSync()));
    images.dispose();
    model.dispose();
    expect(argmaxRows(logits, 3)).toEqual(Array.from(exact.predictions));
  });

  it('exports a static network, int4 ONNX at opset 21, and rejects mismatches and unknown formats', async () => {
    const spec = TINY_SPECS.small2!;
    prepareSubnet(f, spec);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const out = join(dir, 'static');
    const manifest = await exportSubnet({ net: sub, spec, formats: ['onnx'], outDir: out, onnxInt4: true });
    expect(manifest.onnx).toEqual({ opset: 21, int4: true });
    expect(manifest.files.map((x) => x.name)).toEqual(['model.onnx']);
    expect(existsSync(join(out, 'model.packed.bin'))).toBe(false);
    const exact = await onnxAccuracy(join(out, 'model.onnx'), randomDataset(3), INPUT_NORMALIZATION, { optimization: 'disabled' });
    expect(exact.images).toBe(60);
    await expect(exportSubnet({ net: sub, spec: TINY_SPECS.mid3!, formats: ['tfjs'], outDir: out })).rejects.toThrow(SubnetMismatchError);
    await expect(exportSubnet({ net: sub, spec, formats: ['tflite' as ExportFormat], outDir: out })).rejects.toThrow(UnknownExportFormatError);
    await expect(exportSubnet({ net: sub, spec, formats: ['tflite' as ExportFormat], outDir: out })).rejects.toThrow("unknown format 'tflite', expected one or more of tfjs, onnx, packed");
    sub.dispose();
  });
});
