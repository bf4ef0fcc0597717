import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '@oqat/engine';
import { encodeModel } from '@oqat/onnx';
import { extractSubnet, type SegmentationSupernet } from '@oqat/search';
import { prepareSubnet, TINY_SEGMENTATION_SPECS, TINY_SPECS, tinyExportFixture, type TinyExportFixture, tinySegmentationExportFixture } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportGraph } from './build-export-graph';
import { onnxModel } from './onnx-model';

// The reference checker, where a Python with the onnx package is present (Debian: apt-get install python3-onnx,
// onnx 1.12: opsets up to 17, so the opset-21 int4 variant is checked structurally only, by checkOnnxModel).
const PYTHON = '/usr/bin/python3';
const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
const CHECK = `
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
print('ok')
`;

let f: TinyExportFixture;
let seg: TinyExportFixture<SegmentationSupernet>;
let dir: string;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture();
  seg = tinySegmentationExportFixture();
  dir = mkdtempSync(join(tmpdir(), 'oqat-onnx-checker-'));
});

/** Runs the reference checker on a model file and expects it to pass. */
function expectChecked(path: string): void {
  const run = spawnSync(PYTHON, ['-c', CHECK, path], { encoding: 'utf8' });
  expect(run.stderr.trim().split('\n').pop() ?? '').toBe('');
  expect(run.stdout.trim()).toBe('ok');
}

afterAll(() => {
  f.dispose();
  seg.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasOnnx)('onnx.checker (python3-onnx)', () => {
  it.each(Object.entries(TINY_SPECS))('passes check_model(full_check) and strict shape inference (%s)', (key, spec) => {
    prepareSubnet(f, spec);
    const sub = f.net.extractSubnet({ preserveWeights: true });
    const path = join(dir, `${key}.onnx`);
    writeFileSync(path, encodeModel(onnxModel(buildExportGraph(sub))));
    sub.dispose();
    expectChecked(path);
  });

  it.each(Object.entries(TINY_SEGMENTATION_SPECS))('passes them on a segmentation subnet (%s)', (key, spec) => {
    prepareSubnet(seg, spec);
    const sub = extractSubnet(seg.net, { preserveWeights: true });
    const path = join(dir, `seg-${key}.onnx`);
    writeFileSync(path, encodeModel(onnxModel(buildExportGraph(sub, [14, 14]))));
    sub.dispose();
    expectChecked(path);
  });
});
