import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf } from '@oqat/engine';
import { appLogits, maxAbsDiff, prepareSubnet, sameTop1, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { tfjsFileHandler } from './tfjs-file-handler';
import { TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE, tfjsGraphModel } from './tfjs-graph-model';

let f: TinyExportFixture;
let dir: string;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture();
  dir = mkdtempSync(join(tmpdir(), 'oqat-tfjs-'));
});

afterAll(() => {
  f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('tfjsGraphModel', () => {
  it.each(Object.entries(TINY_SPECS))('loads with tf.loadGraphModel and reproduces the app (%s)', async (key, spec) => {
    prepareSubnet(f, spec);
    const expected = appLogits(f);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const { modelJson, weightData } = tfjsGraphModel(buildExportGraph(sub));
    sub.dispose();
    const path = join(dir, key, TFJS_MODEL_FILE);
    mkdirSync(join(dir, key), { recursive: true });
    writeFileSync(path, JSON.stringify(modelJson));
    writeFileSync(join(dir, key, TFJS_WEIGHTS_FILE), weightData);
    const before = tf.memory().numTensors;
    const model = await tf.loadGraphModel(tfjsFileHandler(path));
    const got = tf.tidy(() => Float32Array.from((model.predict(f.images) as tf.Tensor).dataSync()));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const ops = new Set(modelJson.modelTopology.node.map((n) => n.op));
    if (spec.bits !== 32) for (const op of ['Round', 'Maximum', 'Minimum', 'RealDiv']) expect(ops).toContain(op);
    expect(got.length).toBe(expected.length);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-4 * Math.max(1, maxAbsDiff(expected, new Float32Array(expected.length))));
    expect(sameTop1(got, expected, 3)).toBe(true);
  });

  it('an input quantizer with per-channel steps (channelSteps) divides each channel by its own step', async () => {
    prepareSubnet(f, TINY_SPECS.large4!);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const graph = buildExportGraph(sub);
    sub.dispose();
    const predict = async (g: typeof graph): Promise<Float32Array> => {
      const { modelJson, weightData } = tfjsGraphModel(g);
      const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]!.weights, weightData: weightData.buffer as ArrayBuffer }));
      const out = tf.tidy(() => Float32Array.from((model.predict(f.images) as tf.Tensor).dataSync()));
      model.dispose();
      return out;
    };
    const plain = await predict(graph);
    const node = graph.nodes.find((n) => n.kind === 'conv' && n.inputQuant && !n.depthwise)!;
    if (node.kind !== 'conv') throw new Error('no quantized conv');
    const q = node.inputQuant!;
    // Every channel at the tensor's step: the same model; channel 0 at a coarser step: another one.
    node.inputQuant = { ...q, channelSteps: Array.from({ length: node.inC }, () => q.step) };
    expect(maxAbsDiff(await predict(graph), plain)).toBe(0);
    node.inputQuant = { ...q, channelSteps: Array.from({ length: node.inC }, (_, c) => (c === 0 ? 8 * q.step : q.step)) };
    expect(maxAbsDiff(await predict(graph), plain)).toBeGreaterThan(0);
  });
});

