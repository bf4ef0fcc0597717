import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf } from '@oqat/engine';
import { esbDdaLambda } from '@oqat/quant';
import { quantFactoryFor, staticSubnet } from '@oqat/search';
import { appLogits, inheritedWeightQuants, prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { EsbExportError } from './errors';
import type { ExportGraph, LinearNode } from './export-graph';
import { weightNodes } from './export-graph';
import { esbForOnnx } from './esb-export';
import { exportSubnet } from './export-subnet';
import { PACKED_SPEC_FILE } from './packed-spec';
import { readPackedModel } from './read-packed-model';
import { tfjsFileHandler } from './tfjs-file-handler';

let f: TinyExportFixture;
let dir: string;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture(4, quantFactoryFor({ quantizer: 'esb', esb: { significantBits: 2 } }));
  dir = mkdtempSync(join(tmpdir(), 'oqat-esb-'));
});

afterAll(() => {
  f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const linear = (values: number[], quant: object): ExportGraph =>
  ({
    nodes: [{ kind: 'linear', name: 'fc', input: 'x', output: 'y', inF: 2, outF: 2, weight: { shape: [2, 2], values: Float32Array.from(values), quant, codes: new Int32Array(4) }, bias: new Float32Array(2) }],
  }) as unknown as ExportGraph;

describe('esb through training, inheritance and export', () => {
  it("inherits 4 -> 3 -> 2 in the supernet with one k (capped per width): every elastic layer keeps DDA's σ = alpha/λ(b, k)", () => {
    prepareSubnet(f, { ...TINY_SPECS.large4!, bits: 4 });
    const layers = inheritedWeightQuants(f, [4, 3, 2]);
    expect(layers.length).toBeGreaterThan(0);
    for (const frozen of layers) {
      const sigma = frozen.map((w) => w.step / esbDdaLambda(w.bits, true, w.significantBits).lambda);
      expect(sigma[1]).toBeCloseTo(sigma[0]!, 4);
      expect(sigma[2]).toBeCloseTo(sigma[0]!, 4);
      expect(frozen.every((w) => w.format === 'esb' && w.significantBits === 2)).toBe(true);
    }
  });

  it('packed round trip: the files decode to the weights the app computes with; tfjs computes the app logits', async () => {
    const spec = TINY_SPECS.mid3!;
    prepareSubnet(f, spec);
    const app = appLogits(f);
    const sub = staticSubnet(f.net, spec, { bnImages: f.bn });
    const graph = buildExportGraph(sub);
    const out = join(dir, 'mid3');
    await exportSubnet({ net: sub, spec, formats: ['tfjs', 'packed'], outDir: out });
    sub.dispose();
    const read = weightNodes(readPackedModel(join(out, PACKED_SPEC_FILE)).graph);
    const written = weightNodes(graph);
    const esb = read.filter((n) => n.weight.quant?.format === 'esb');
    expect(esb.length).toBeGreaterThan(0);
    for (const n of esb) {
      const w = written.find((m) => m.name === n.name)!;
      // + 0: the app's sign(x)·0 is -0, a decoded zero +0.
      expect(Array.from(n.weight.values, (v) => v + 0)).toEqual(Array.from(w.weight.values, (v) => v + 0));
      expect(n.weight.codes!.every((c) => c >= 0 && c < 2 ** n.weight.quant!.bits)).toBe(true);
    }
    const model = await tf.loadGraphModel(tfjsFileHandler(join(out, 'model.json')));
    const tfjs = tf.tidy(() => Float32Array.from((model.predict(f.images) as tf.Tensor).dataSync()));
    model.dispose();
    tfjs.forEach((v, i) => expect(v).toBeCloseTo(app[i]!, 4));
  });

  it('ONNX: ESB inputs refused in one line before writing; ESB weights become exact int8 levels, refused beyond 127', async () => {
    const spec = TINY_SPECS.mid3!;
    prepareSubnet(f, spec);
    const sub = staticSubnet(f.net, spec, { bnImages: f.bn });
    await expect(exportSubnet({ net: sub, spec, formats: ['onnx'], outDir: join(dir, 'onnx') })).rejects.toThrow(EsbExportError);
    await expect(exportSubnet({ net: sub, spec, formats: ['onnx'], outDir: join(dir, 'onnx') })).rejects.toThrow(/quantizes its input to ESB levels .* ONNX QuantizeLinear cannot express; export --format packed/);
    sub.dispose();
    // 4-bit k = 2, alpha 0.5: levels 1, -3, 6, 12 as int8 with scale 0.5.
    const q = { bits: 4, signed: true, step: 0.5, format: 'esb', significantBits: 2 };
    const node = esbForOnnx(linear([0.5, -1.5, 3, 6], q)).nodes[0] as LinearNode;
    expect(Array.from(node.weight.codes!)).toEqual([1, -3, 6, 12]);
    expect(node.weight.quant).toEqual({ bits: 8, signed: true, step: 0.5 });
    // 8 bits at the default k = 6: maxLevel 63·4 = 252.
    expect(() => esbForOnnx(linear([0, 0, 0, 0], { bits: 8, signed: true, step: 1, format: 'esb' }))).toThrow(/up to level 252 .* beyond int8's 127/);
  });
});
