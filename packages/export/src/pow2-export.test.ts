import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@oqat/core';
import type { ImageDataset } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { evaluateSubnet, INPUT_NORMALIZATION, quantFactoryFor, staticSubnet } from '@oqat/search';
import { inheritedWeightQuants, prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weightNodes } from './export-graph';
import { exportSubnet } from './export-subnet';
import { onnxAccuracy } from './onnx-accuracy';
import { PACKED_SPEC_FILE } from './packed-spec';
import { readPackedModel } from './read-packed-model';

let f: TinyExportFixture;
let dir: string;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture(4, quantFactoryFor({ quantizer: 'pow2' }));
  dir = mkdtempSync(join(tmpdir(), 'oqat-pow2-'));
});

afterAll(() => {
  f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const isPow2 = (s: number): boolean => Number.isInteger(Math.log2(s));

describe('pow2 through training, inheritance and export', () => {
  it("inherits 4 -> 3 -> 2 in the supernet: every elastic layer's step stays a power of two, doubled per bit", () => {
    prepareSubnet(f, { ...TINY_SPECS.large4!, bits: 4 });
    const layers = inheritedWeightQuants(f, [4, 3, 2]);
    expect(layers.length).toBeGreaterThan(0);
    for (const frozen of layers) {
      const steps = frozen.map((w) => w.step);
      expect(steps.every(isPow2)).toBe(true);
      expect([steps[1]! / steps[0]!, steps[2]! / steps[1]!]).toEqual([2, 2]);
      expect(frozen.every((w) => w.format === 'pow2')).toBe(true);
    }
  });

  it('exports a pow2 subnet as uniform codes: power-of-two packed steps, and onnxruntime classifies as the app does', async () => {
    const spec = TINY_SPECS.mid3!;
    prepareSubnet(f, spec);
    const rng = createRng(12);
    const count = 60;
    const test: ImageDataset = {
      images: Uint8Array.from({ length: count * 100 }, () => rng.int(256)),
      labels: Uint8Array.from({ length: count }, () => rng.int(3)),
      count, height: 10, width: 10, channels: 1, classNames: ['a', 'b', 'c'],
    };
    const app = evaluateSubnet(f.net, spec, { bn: f.bn, test, batchSize: 32 });
    const sub = staticSubnet(f.net, spec, { bnImages: f.bn });
    const out = join(dir, 'mid3');
    await exportSubnet({ net: sub, spec, formats: ['onnx', 'packed'], outDir: out });
    sub.dispose();
    const quantized = weightNodes(readPackedModel(join(out, PACKED_SPEC_FILE)).graph).filter((n) => n.weight.quant && n.weight.quant.bits === 3);
    expect(quantized.length).toBeGreaterThan(0);
    for (const n of quantized) expect(isPow2(n.weight.quant!.step)).toBe(true);
    const ort = await onnxAccuracy(join(out, 'model.onnx'), test, INPUT_NORMALIZATION);
    expect(Math.abs(ort.top1 - app.top1)).toBeLessThanOrEqual(1 / count + 1e-9);
  });
});
