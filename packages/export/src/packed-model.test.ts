import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf } from '@oqat/engine';
import { StaticQuant } from '@oqat/search';
import { appLogits, maxAbsDiff, prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { ExportFileError } from './errors';
import { subnetLayerName, weightNodes } from './export-graph';
import { packedModel } from './packed-model';
import { PACKED_SPEC_FILE, PACKED_WEIGHTS_FILE } from './packed-spec';
import { readPackedModel } from './read-packed-model';
import { tfjsGraphModel } from './tfjs-graph-model';

let f: TinyExportFixture;
let dir: string;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture();
  dir = mkdtempSync(join(tmpdir(), 'oqat-packed-'));
});

afterAll(() => {
  f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('packedModel', () => {
  it.each(Object.entries(TINY_SPECS))('round-trips: unpack -> dequantize equals the fake-quantized weights (%s)', async (key, spec) => {
    prepareSubnet(f, spec);
    const expected = appLogits(f);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const graph = buildExportGraph(sub);
    const { spec: json, weights } = packedModel(graph, { normalization: { mean: 0.5, std: 0.25 } });
    const out = join(dir, key);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, PACKED_SPEC_FILE), JSON.stringify(json));
    writeFileSync(join(out, PACKED_WEIGHTS_FILE), weights);
    const back = readPackedModel(join(out, PACKED_SPEC_FILE));

    // size = Σ ceil(n·b/8) over integer tensors + 4 bytes per float value
    const layers = weightNodes(graph);
    let bytes = 0;
    for (const n of layers) {
      const q = n.weight.quant;
      bytes += q ? Math.ceil((n.weight.values.length * q.bits) / 8) : 4 * n.weight.values.length;
      bytes += 4 * n.bias.length + (n.kind === 'conv' ? 4 * n.outC : 0);
    }
    expect(weights.length).toBe(bytes);
    expect(json.weightsBytes).toBe(bytes);

    // every weight decodes to what the static network's frozen quantizer computes from its float weight
    const tensors = sub.weights();
    const backLayers = weightNodes(back.graph);
    expect(backLayers.map((n) => n.name)).toEqual(layers.map((n) => n.name));
    for (const n of backLayers) {
      const cfg = n.weight.quant;
      const float = tensors.get(`${n.name}.weight`)!;
      const fq = cfg
        ? tf.tidy(() => { const q = new StaticQuant(cfg); const v = Float32Array.from(q.apply(float).dataSync()); q.dispose(); return v; })
        : Float32Array.from(float.dataSync());
      // (=== rather than toEqual: the fake quantizer yields -0 where a code of 0 decodes to +0)
      expect(n.weight.values.every((v, i) => v === fq[i])).toBe(true);
      if (spec.bits !== 32 && !['stem', 'head.classifier'].includes(n.name) && !n.name.includes('.se.') && n.name !== 'head.mix') {
        expect(n.weight.quant?.bits, n.name).toBe(spec.bitsByLayer?.[subnetLayerName(back.graph.config, n.name)] ?? spec.bits);
      }
    }
    sub.dispose();

    // the files alone rebuild the subnet: a tfjs model built from them predicts what the app predicts
    const { modelJson, weightData } = tfjsGraphModel(back.graph);
    const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]!.weights, weightData: weightData.buffer as ArrayBuffer }));
    const got = tf.tidy(() => Float32Array.from((model.predict(f.images) as tf.Tensor).dataSync()));
    model.dispose();
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-4 * Math.max(1, maxAbsDiff(expected, new Float32Array(expected.length))));
  });

  it('per-channel weight steps (channelSteps) are written and read back: code i dequantizes with the step of channel i % C', () => {
    prepareSubnet(f, TINY_SPECS.large4!);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const graph = buildExportGraph(sub);
    sub.dispose();
    // The export refuses per-channel layers until every writer holds them: give two layers per-channel steps by hand.
    const [conv, dw] = [weightNodes(graph).find((n) => n.kind === 'conv' && !n.depthwise)!, weightNodes(graph).find((n) => n.kind === 'conv' && n.depthwise)!];
    for (const n of [conv, dw]) {
      const c = n.weight.shape[n.weight.shape.length - 1] === 1 ? n.weight.shape[2]! : n.weight.shape[n.weight.shape.length - 1]!;
      const steps = Array.from({ length: c }, (_, k) => n.weight.quant!.step * (1 + k / 4));
      n.weight.quant = { ...n.weight.quant!, channelSteps: steps };
      n.weight.values = Float32Array.from(n.weight.codes!, (q, i) => q * steps[i % c]!);
    }
    const { spec: json, weights } = packedModel(graph);
    const out = join(dir, 'per-channel');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, PACKED_SPEC_FILE), JSON.stringify(json));
    writeFileSync(join(out, PACKED_WEIGHTS_FILE), weights);
    const back = weightNodes(readPackedModel(join(out, PACKED_SPEC_FILE)).graph);
    for (const n of [conv, dw]) {
      const got = back.find((b) => b.name === n.name)!;
      expect(got.weight.quant!.channelSteps).toEqual(n.weight.quant!.channelSteps);
      expect(got.weight.values.every((v, i) => Math.abs(v - n.weight.values[i]!) <= 1e-6 * Math.abs(v))).toBe(true);
    }
  });

  it('names a missing or truncated weights file', () => {
    prepareSubnet(f, TINY_SPECS.small2!);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const { spec, weights } = packedModel(buildExportGraph(sub));
    sub.dispose();
    const out = join(dir, 'broken');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, PACKED_SPEC_FILE), JSON.stringify(spec));
    expect(() => readPackedModel(join(out, PACKED_SPEC_FILE))).toThrow(ExportFileError);
    writeFileSync(join(out, PACKED_WEIGHTS_FILE), weights.subarray(0, weights.length - 1));
    expect(() => readPackedModel(join(out, PACKED_SPEC_FILE))).toThrow(/holds \d+ bytes, the spec says/);
  });
});
