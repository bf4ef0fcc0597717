import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '@oqat/engine';
import { readCompressedModel } from '@oqat/export';
import { TINY_SPACE, writeWidthsCheckpoint } from '@oqat/search/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { oqat } from './oqat.fixture';

// A tiny float + 4-bit supernet (untrained) on the shipped subset's 10 classes: `oqat compress` with each method, end to end.
describe('oqat compress (end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oqat-compress-'));
  const ckpt = join(dir, 'supernet.ckpt');
  const common = ['--checkpoint', ckpt, '--subnet', 'largest', '--test-images', '60', '--bn-images', '32', '--validation-images', '0', '--backend', 'wasm', '--db', join(dir, 'runs.db'), '--json'];

  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
    writeWidthsCheckpoint(ckpt, { ...TINY_SPACE, numClasses: 10 }, 6, [32, 4]).dispose();
  });

  const check = (stdout: string, method: string, out: string) => {
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    const r = summary.result;
    expect(r.method).toBe(method);
    expect(r.spec.bits).toBe(32);
    expect(r.compressed.modelBytes).toBeLessThan(r.float.weightBytes / 3);
    // the files load back and compute what the app computed
    expect(Math.abs(r.files.container.top1 - r.compressed.top1)).toBeLessThanOrEqual(0.003);
    expect(Math.abs(r.files.onnx.top1 - r.compressed.top1)).toBeLessThanOrEqual(0.003);
    const file = readCompressedModel(join(out, 'model.oqatc'));
    expect(file.header.layers.every((l) => l.method === method)).toBe(true);
    expect(file.header.modelBytes).toBe(r.compressed.modelBytes);
    expect(existsSync(join(out, 'model.onnx'))).toBe(true);
  };

  it('alq: bases and coefficients to an average bitwidth, written and run back', async () => {
    const out = join(dir, 'alq');
    const r = await oqat(['compress', '--method', 'alq', ...common, '--average-bits', '1.5', '--basis-steps', '2', '--coordinate-steps', '1', '--prune-steps', '1', '--alq-batch', '16', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    check(r.stdout, 'alq', out);
  }, 600_000);

  it('vq: codebooks on unlabelled images, written and run back', async () => {
    const out = join(dir, 'vq');
    const r = await oqat(['compress', '--method', 'vq', ...common, '--blocks', 'small', '--iterations', '3', '--calibration-images', '16', '--finetune-steps', '1', '--finetune-batch', '8', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    check(r.stdout, 'vq', out);
  }, 600_000);
});
