import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageDataset } from '@oqat/data';
import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import { decodeModel } from '@oqat/onnx';
import { EVAL, evaluateSubnet, INPUT_NORMALIZATION, lsqQuantFactory, MobileNetV3Supernet, staticSubnet, SubnetNotReadyError } from '@oqat/search';
import { argmaxRows, prepareSubnet, TINY_SPACE, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubnetMismatchError, UnknownExportFormatError } from './errors';
import { EXPORT_MANIFEST_FILE, exportSubnet, type ExportFormat } from './export-subnet';
import { onnxAccuracy } from './onnx-accuracy';
import { readPackedModel } from './read-packed-model';
import { tfjsFileHandler } from './tfjs-file-handler';

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

/** Dataset images as the app feeds them: x/255, then (x - mean)/std. */
function normalized(test: ImageDataset): tf.Tensor {
  const { mean, std } = INPUT_NORMALIZATION;
  return tf.tidy(() => tf.div(tf.sub(tf.div(tf.tensor4d(test.images, [test.count, test.height, test.width, test.channels], 'float32'), 255), mean), std));
}

/** The app's predicted classes for the active subnet, and which images have their top two logits tied (an untrained tiny net has some). */
function appClasses(spec: SubnetSpec, test: ImageDataset): { predictions: number[]; tied: boolean[] } {
  f.net.setActive(spec);
  const images = normalized(test);
  const logits = tf.tidy(() => Float32Array.from(f.net.forward(images, EVAL).dataSync()));
  images.dispose();
  const tied = Array.from({ length: test.count }, (_, i) => {
    const row = Array.from(logits.subarray(i * 3, i * 3 + 3)).sort((a, b) => b - a);
    return row[0]! - row[1]! < 1e-5;
  });
  return { predictions: argmaxRows(logits, 3), tied };
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
  it.each(['mid3', 'mixed'])('writes tfjs, onnx and packed files with sizes and SHA-256, and onnxruntime measures the app accuracy (%s)', async (which) => {
    const spec = TINY_SPECS[which]!;
    const test = randomDataset(11);
    prepareSubnet(f, spec); // the steps of every width the subnet runs
    const app = evaluateSubnet(f.net, spec, { bn: f.bn, test, batchSize: 32 });
    const before = tf.memory().numTensors;
    const out = join(dir, which);
    const sub = staticSubnet(f.net, spec, { bnImages: f.bn });
    const manifest = await exportSubnet({ net: sub, spec, formats: ['onnx', 'tfjs', 'packed', 'onnx'], outDir: out });
    sub.dispose();
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
    expect(fig.packedFloatBytes).toBeGreaterThan(0);
    expect(fig.packedFloatBytes).toBeLessThan(fig.packedWeightsBytes);
    const packed = readPackedModel(join(out, 'model.packed.json'));
    expect(packed.spec.subnet).toEqual(spec);
    // Each layer's bits, as the manifest lists them and the packed weights and the ONNX metadata carry them.
    const bitsOf = (layer: string) => manifest.layerBits.find((l) => l.layer === layer);
    const wide = (spec.bitsByLayer ?? {})['first.dw'] ?? spec.bits;
    expect(bitsOf('blocks.0.dw')).toEqual({ layer: 'blocks.0.dw', subnetLayer: 'first.dw', weightBits: wide, inputBits: wide });
    expect(bitsOf('blocks.3.project')?.subnetLayer).toBe('stages.1.1.project');
    // Every layer of the spec's bitsByLayer, and no other elastic one, at other bits than the spec's.
    const elastic = manifest.layerBits.filter((l) => l.weightBits !== 8 && !l.layer.includes('.se.'));
    expect(Object.fromEntries(elastic.filter((l) => l.weightBits !== spec.bits).map((l) => [l.subnetLayer, l.weightBits]))).toEqual(spec.bitsByLayer ?? {});
    expect(bitsOf('blocks.3.project')?.weightBits).toBe((spec.bitsByLayer ?? {})['stages.1.1.project'] ?? spec.bits);
    expect(bitsOf('blocks.1.dw')?.weightBits).toBe(spec.bits);
    expect(bitsOf('head.classifier')?.weightBits).toBe(8);
    expect(new Set(manifest.layerBits.map((l) => l.weightBits))).toEqual(new Set(which === 'mixed' ? [2, 3, 4, 8] : [3, 8]));
    const packedBits = packed.spec.ops.flatMap((op) => ('weight' in op && op.weight.quant ? [op.weight.quant.bits] : []));
    expect(packedBits).toEqual(manifest.layerBits.map((l) => l.weightBits));
    const onnxMetadata = decodeModel(readFileSync(join(out, 'model.onnx'))).metadataProps ?? [];
    expect(JSON.parse(onnxMetadata.find((p) => p.key === 'layer_bits')!.value)).toEqual(manifest.layerBits);

    // onnxruntime (default optimizations, and none): the app's predictions (except exact ties), hence its accuracy
    const { predictions: appPredictions, tied } = appClasses(spec, test);
    const ties = tied.filter(Boolean).length;
    for (const optimization of ['all', 'disabled'] as const) {
      const ort = await onnxAccuracy(join(out, 'model.onnx'), test, INPUT_NORMALIZATION, { optimization, batchSize: 25 });
      expect(ort.images).toBe(test.count);
      appPredictions.forEach((p, i) => { if (!tied[i]) expect(ort.predictions[i]).toBe(p); });
      expect(Math.abs(ort.top1 - app.top1)).toBeLessThanOrEqual(ties / test.count + 1e-12);
      if (ties === 0) expect(Math.abs(ort.top1 - app.top1)).toBeLessThanOrEqual(0.003);
    }

    // the tfjs files, loaded from disk, predict the app's classes too
    const model = await tf.loadGraphModel(tfjsFileHandler(join(out, 'model.json')));
    const images = normalized(test);
    const logits = tf.tidy(() => Float32Array.from((model.predict(images) as tf.Tensor).dataSync()));
    images.dispose();
    model.dispose();
    argmaxRows(logits, 3).forEach((p, i) => { if (!tied[i]) expect(p).toBe(appPredictions[i]); });
  });

  it('exports a static network, int4 ONNX at opset 21, and rejects mismatches and unknown formats', async () => {
    const spec = TINY_SPECS.small2!;
    prepareSubnet(f, spec);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const out = join(dir, 'static');
    const manifest = await exportSubnet({ net: sub, spec, formats: ['onnx'], outDir: out, onnxInt4: true });
    expect(manifest.onnx).toEqual({ opset: 21, int4: true, mode: 'qdq-int4' });
    expect(manifest.files.map((x) => x.name)).toEqual(['model.onnx']);
    expect(existsSync(join(out, 'model.packed.bin'))).toBe(false);
    const exact = await onnxAccuracy(join(out, 'model.onnx'), randomDataset(3), INPUT_NORMALIZATION, { optimization: 'disabled' });
    expect(exact.images).toBe(60);
    // the integer graph (onnxruntime's integer kernels): opset 14, the same subnet
    const integer = await exportSubnet({ net: sub, spec, formats: ['onnx'], outDir: join(dir, 'integer'), onnxMode: 'integer' });
    expect(integer.onnx).toEqual({ opset: 14, int4: false, mode: 'integer' });
    expect((await onnxAccuracy(join(dir, 'integer', 'model.onnx'), randomDataset(3), INPUT_NORMALIZATION)).images).toBe(60);
    await expect(exportSubnet({ net: sub, spec: TINY_SPECS.mid3!, formats: ['tfjs'], outDir: out })).rejects.toThrow(SubnetMismatchError);
    await expect(exportSubnet({ net: sub, spec, formats: ['tflite' as ExportFormat], outDir: out })).rejects.toThrow(UnknownExportFormatError);
    await expect(exportSubnet({ net: sub, spec, formats: ['tflite' as ExportFormat], outDir: out })).rejects.toThrow("unknown format 'tflite', expected one or more of tfjs, onnx, packed");
    sub.dispose();
  });

  it('asks for BN images when the supernet has no steps at the bit width', async () => {
    const fresh = new MobileNetV3Supernet(TINY_SPACE, { seed: 9, quant: lsqQuantFactory });
    expect(() => staticSubnet(fresh, TINY_SPECS.small2!)).toThrow(SubnetNotReadyError);
    const sub = staticSubnet(fresh, TINY_SPECS.small2!, { bnImages: f.bn });
    await exportSubnet({ net: sub, spec: TINY_SPECS.small2!, formats: ['packed'], outDir: join(dir, 'fresh') });
    sub.dispose();
    fresh.dispose();
  });
});
