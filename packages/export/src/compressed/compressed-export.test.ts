import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type Rng } from '@oqat/core';
import { loadOnnxRuntime } from '@oqat/latency';
import { decodeModel } from '@oqat/onnx';
import type { ImageDataset } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { compressedBytes, toFloat16Bits, type AlqTensor, type CompressedTensor, type VqTensor } from '@oqat/quant';
import { compressedModelBytes, compressibleLayers, INPUT_NORMALIZATION, staticSubnet, staticTop1, withCompressedWeights, type StaticMobileNet } from '@oqat/search';
import { argmaxRows, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportFileError } from '../errors';
import { COMPRESSED_MODEL_FILE, readCompressedModel, writeCompressedModel } from './compressed-container';
import { compressedModelTop1, loadCompressedNetwork } from './compressed-runner';
import { exportCompressed } from './export-compressed';

/** A random ALQ tensor: groups of 8 (the last one short), 0..3 bases, coefficients at the weight's scale, random signs, `order` given. */
function randomAlq(rng: Rng, shape: number[], order: number[], scale: number): AlqTensor {
  const total = shape.reduce((a, b) => a * b, 1);
  const groupSize = 8;
  const groups = Math.ceil(total / groupSize);
  const bases = Uint8Array.from({ length: groups }, () => rng.int(4));
  const count = bases.reduce((a, b) => a + b, 0);
  let signBytes = 0;
  for (let g = 0; g < groups; g++) signBytes += bases[g]! * Math.ceil(Math.min(groupSize, total - g * groupSize) / 8);
  return {
    method: 'alq', shape, order, groupSize, bases,
    coefficients: Float32Array.from({ length: count }, () => scale * (0.2 + rng.next())),
    signs: Uint8Array.from({ length: signBytes }, () => rng.int(256)),
  };
}

/** A random VQ tensor: d a divisor of the weights per output, 6 codewords at the weight's scale. */
function randomVq(rng: Rng, shape: number[], scale: number): VqTensor {
  const columns = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const d = [9, 4, 3, 2, 1].find((x) => columns % x === 0)!;
  const k = 6;
  return {
    method: 'vq', shape, blockSize: d, codewords: k,
    codebook: Uint16Array.from({ length: k * d }, () => toFloat16Bits(scale * (rng.next() * 2 - 1))),
    indices: Uint8Array.from({ length: (columns / d) * shape[shape.length - 1]! }, () => rng.int(k)),
  };
}

/** 60 random 10x10 grey images with random labels. */
function randomDataset(seed: number): ImageDataset {
  const rng = createRng(seed);
  return {
    images: Uint8Array.from({ length: 6000 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: 60 }, () => rng.int(3)),
    count: 60, height: 10, width: 10, channels: 1, classNames: ['a', 'b', 'c'],
  };
}

function logitsOf(net: StaticMobileNet, test: ImageDataset): Float32Array {
  const { mean, std } = INPUT_NORMALIZATION;
  return tf.tidy(() => Float32Array.from(net.forward(tf.div(tf.sub(tf.div(tf.tensor4d(test.images, [test.count, 10, 10, 1], 'float32'), 255), mean), std)).dataSync()));
}

describe('compressed export: container, tfjs runner, ONNX in onnxruntime', () => {
  let f: TinyExportFixture;
  let net: StaticMobileNet;
  let layers: Record<string, CompressedTensor>;
  let dir: string;
  const test = randomDataset(4);

  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
    f = tinyExportFixture(5);
    net = staticSubnet(f.net, TINY_SPECS.float!, { bnImages: f.bn });
    dir = mkdtempSync(join(tmpdir(), 'oqat-compressed-'));
    // Every conv and linear layer compressed, by turns ALQ (some grouped along another axis order) and VQ.
    const rng = createRng(11);
    layers = {};
    const weights = net.weights();
    [...compressibleLayers(net)].forEach(([name, { key, shape }], i) => {
      const w = Float32Array.from(weights.get(key)!.dataSync());
      const scale = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
      layers[name] = i % 2 ? randomVq(rng, shape, scale) : randomAlq(rng, shape, i % 4 === 0 ? shape.map((_, a) => a) : shape.map((_, a) => shape.length - 1 - a), scale / 2);
    });
  });
  afterAll(() => {
    net.dispose();
    f.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round trip: the file holds every compressed tensor and float tensor exactly; its bytes are the methods\' storage plus float32 for the rest', () => {
    const floatWeights = { 'head.classifier.bias': Float32Array.of(0.5, -0.25, 1) };
    const bytes = writeCompressedModel({ net, layers, floatWeights, normalization: INPUT_NORMALIZATION, provenance: { method: 'test' } });
    const path = join(dir, 'roundtrip.oqatc');
    writeFileSync(path, bytes);
    const back = readCompressedModel(path);
    expect(Object.keys(back.layers).sort()).toEqual(Object.keys(layers).sort());
    for (const [name, t] of Object.entries(layers)) expect(back.layers[name]).toEqual(t);
    expect([...back.float.get('head.classifier.bias')!.values]).toEqual([0.5, -0.25, 1]);
    const bnKey = [...back.float.keys()].find((k) => k.includes('bn'))!;
    expect([...back.float.get(bnKey)!.values]).toEqual([...net.weights().get(bnKey)!.dataSync()]);
    expect(back.header.modelBytes).toBe(compressedModelBytes(net, layers));
    expect(back.header.provenance).toEqual({ method: 'test' });
    // nothing decoded is stored: the blobs are the methods' own bytes and the other tensors' float32, each 8-aligned
    const own = Object.values(layers).reduce((a, t) => a + compressedBytes(t), 0);
    const rest = back.header.float.reduce((a, e) => a + 4 * e.blob.length, 0);
    const blobs = Object.values(layers).reduce((a, t) => a + Object.values(t).filter((v) => ArrayBuffer.isView(v)).length, 0) + back.header.float.length;
    expect(back.header.blobBytes).toBeGreaterThanOrEqual(own + rest);
    expect(back.header.blobBytes).toBeLessThan(own + rest + 8 * blobs);
  });

  it('the tfjs runner computes what the app computes with the decoded weights, to the bit; top-1 equal', () => {
    const [file] = exportCompressed({ net, layers, normalization: INPUT_NORMALIZATION, formats: ['compressed'], outDir: dir });
    expect(file!.name).toBe(COMPRESSED_MODEL_FILE);
    const app = withCompressedWeights(net, layers);
    const loaded = loadCompressedNetwork(file!.path);
    try {
      expect(logitsOf(loaded, test)).toEqual(logitsOf(app, test));
      expect(compressedModelTop1(file!.path, test)).toBe(staticTop1(app, test, INPUT_NORMALIZATION));
    } finally {
      app.dispose();
      loaded.dispose();
    }
  });

  it('ONNX decodes ALQ (BitShift, Σ α·β) and VQ (Gather) in the graph: onnxruntime computes the app\'s logits', async () => {
    const files = exportCompressed({ net, layers, normalization: INPUT_NORMALIZATION, formats: ['onnx'], outDir: dir });
    const model = decodeModel(readFileSync(files[0]!.path));
    const ops = new Set(model.graph.node.map((n) => n.opType));
    expect([...ops]).toEqual(expect.arrayContaining(['BitShift', 'ReduceSum', 'Gather']));
    // no decoded weight of a compressed layer is stored
    for (const name of Object.keys(layers)) expect(model.graph.initializer.some((t) => t.name === `${name}/weight`)).toBe(false);
    const app = withCompressedWeights(net, layers);
    try {
      const logits = logitsOf(app, test);
      const ort = await loadOnnxRuntime();
      const session = await ort.InferenceSession.create(files[0]!.path);
      const { mean, std } = INPUT_NORMALIZATION;
      const images = Float32Array.from(test.images, (v) => (v / 255 - mean) / std);
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', images, [test.count, 1, 10, 10]) });
      await session.release();
      const got = out[session.outputNames[0]!]!.data as Float32Array;
      const scale = Math.max(...logits.map(Math.abs));
      expect(Math.max(...got.map((v, i) => Math.abs(v - logits[i]!)))).toBeLessThan(1e-4 * scale);
      expect(argmaxRows(got, 3)).toEqual(argmaxRows(logits, 3));
    } finally {
      app.dispose();
    }
  });

  it('refuses files that are not compressed models, truncated or of another version, in one line', () => {
    const bad = join(dir, 'bad.oqatc');
    writeFileSync(bad, 'not a model at all');
    expect(() => readCompressedModel(bad)).toThrow(ExportFileError);
    expect(() => readCompressedModel(bad)).toThrow(/no OQATCMPR magic/);
    const good = readFileSync(join(dir, COMPRESSED_MODEL_FILE));
    writeFileSync(bad, good.subarray(0, good.length - 3));
    expect(() => readCompressedModel(bad)).toThrow(/blob bytes, its header says/);
    const other = Uint8Array.from(good);
    new DataView(other.buffer).setUint32(8, 7, true);
    writeFileSync(bad, other);
    expect(() => readCompressedModel(bad)).toThrow(/is version 7, this reader reads version 1/);
    expect(() => readCompressedModel(join(dir, 'missing.oqatc'))).toThrow(/missing\.oqatc: is missing/);
  });
});
