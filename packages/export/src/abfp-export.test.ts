import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '@oqat/engine';
import { quantFactoryFor, staticSubnet } from '@oqat/search';
import { prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { AbfpExportError } from './errors';
import { weightNodes } from './export-graph';
import { exportSubnet } from './export-subnet';
import { PACKED_SPEC_FILE, type PackedSpec } from './packed-spec';
import { readPackedModel } from './read-packed-model';

let f: TinyExportFixture;
let dir: string;

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  f = tinyExportFixture(4, quantFactoryFor({ quantizer: 'abfp', abfp: { blockSize: 16, gain: 8 } }));
  dir = mkdtempSync(join(tmpdir(), 'oqat-abfp-'));
});

afterAll(() => {
  f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('abfp export', () => {
  it('the packed format stores codes, one int8 exponent per block and the step factor; the reader decodes the app\'s weights exactly', async () => {
    const spec = TINY_SPECS.mid3!;
    prepareSubnet(f, spec);
    const sub = staticSubnet(f.net, spec, { bnImages: f.bn });
    const out = join(dir, 'mid3');
    try {
      const app = weightNodes(buildExportGraph(sub)).filter((n) => n.weight.quant?.format === 'abfp');
      expect(app.length).toBeGreaterThan(0);
      await exportSubnet({ net: sub, spec, formats: ['packed'], outDir: out });
      const read = new Map(weightNodes(readPackedModel(join(out, PACKED_SPEC_FILE)).graph).map((n) => [n.name, n.weight]));
      for (const n of app) {
        const w = read.get(n.name)!;
        expect(w.quant).toMatchObject({ format: 'abfp', blockSize: 16, bits: 3 });
        expect(w.exponents!.length).toBe(Math.ceil(n.weight.values.length / 16));
        // exactly (a -0 of the fake quantizer decodes as +0)
        expect(n.weight.values.every((v, i) => v === w.values[i])).toBe(true);
      }
      const packedSpec = JSON.parse(readFileSync(join(out, PACKED_SPEC_FILE), 'utf8')) as PackedSpec;
      const conv = packedSpec.ops.find((o) => o.kind === 'conv' && o.weight.quant?.format === 'abfp');
      expect(conv && conv.kind === 'conv' ? conv.weight.quant!.exponents!.dtype : undefined).toBe('int8');
    } finally {
      sub.dispose();
    }
  });

  it('ONNX and tfjs refuse it in one line (their static scales cannot hold run-time block exponents)', async () => {
    const spec = TINY_SPECS.mid3!;
    prepareSubnet(f, spec);
    const sub = staticSubnet(f.net, spec, { bnImages: f.bn });
    try {
      await expect(exportSubnet({ net: sub, spec, formats: ['onnx', 'packed'], outDir: join(dir, 'onnx') })).rejects.toThrow(AbfpExportError);
      await expect(exportSubnet({ net: sub, spec, formats: ['tfjs'], outDir: join(dir, 'tfjs') })).rejects.toThrow(/cannot express exactly.*export --format packed/);
    } finally {
      sub.dispose();
    }
  });
});
