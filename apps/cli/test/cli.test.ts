import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyClassFolder } from '@oqat/data/testing';
import { initEngine } from '@oqat/engine';
import { elasticLayerNames, withLayerBits } from '@oqat/latency';
import { FASHION_MNIST_SPACE, smallestSubnet } from '@oqat/search';
import { writeWidthsCheckpoint } from '@oqat/search/testing';
import { describe, expect, it } from 'vitest';
import { oqat, oqatProcess } from './oqat.fixture';

// The executable itself (oqatProcess) where the process is the point (it starts, prints, and exits with the
// code main returned) and for commands that compute in the CLI's own process (eval, bench): a long synchronous
// computation in vitest's worker stalls its RPC ("Timeout calling onTaskUpdate") on a loaded machine. Every
// other command line through main in this process (oqat.fixture.ts), as the executable runs it, without a
// ~2.5 s process start each; runs (train, search, export, compress) compute in their own worker processes.
describe('oqat (end to end)', () => {
  it('lists its commands', async () => {
    const r = await oqatProcess(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('oqat bench train-step');
    expect(r.stdout).toContain('oqat data info');
  });

  it('rejects unknown commands and options with exit 2 and one line', async () => {
    const unknown = await oqatProcess(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const badChoice = await oqat(['bench', 'train-step', '--backend', 'tpu']);
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toContain('--backend must be one of auto, tensorflow, wasm, cpu');
    const badNumber = await oqat(['bench', 'train-step', '--batch', 'many']);
    expect(badNumber.code).toBe(2);
  });

  it('prints per-command help', async () => {
    const r = await oqat(['bench', 'train-step', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--mode <train|infer>');
  });

  it('bench train-step --json prints one JSON line with images/s', async () => {
    const r = await oqatProcess(['bench', 'train-step', '--backend', 'wasm', '--mode', 'train', '--batch', '4', '--repeats', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result).toMatchObject({ backend: 'wasm', batch: 4, mode: 'train' });
    expect(result.imagesPerSec).toBeGreaterThan(0);
  });

  it('data info reports the copy in use and balanced class counts', async () => {
    const r = await oqat(['data', 'info', '--source', 'subset', '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout.trim().split('\n')[0]!);
    expect(info.source).toBe('subset');
    expect(info.splits.train.count).toBeGreaterThan(1000);
    expect(info.splits.test.count).toBeGreaterThan(100);
  });

  it('a missing dataset folder gives exit 3 and names the folder', async () => {
    const r = await oqat(['data', 'info', '--source', 'full', '--json'], { OQAT_DATA: '/nonexistent/fmnist' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('/nonexistent/fmnist');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('trains a tiny supernet into a real store, then lists, shows and evaluates the run', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'oqat-cli-')), 'runs.db');
    // One step of 32: the 4-bit phase first sets every layer's LSQ step from one batch (an MSE search on the host
    // that grows with the batch: at 128 it was most of this test's time).
    const args = ['--dataset', 'subset', '--bits', '4', '--epochs-float', '0', '--epochs', '1', '--limit-train', '32', '--batch', '32', '--eval-images', '100', '--no-search', '--backend', 'wasm'];
    const trained = await oqat(['train', ...args, '--db', db, '--json']);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const events = trained.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.some((e) => e.kind === 'progress')).toBe(true);
    const summary = events.find((e) => e.kind === 'summary');
    expect(summary.run.status).toBe('finished');
    const list = await oqat(['runs', 'list', '--db', db, '--json']);
    expect(JSON.parse(list.stdout.trim())).toMatchObject({ id: summary.run.id, kind: 'train', status: 'finished', bits: [4] });
    const shown = await oqat(['runs', 'show', summary.run.id, '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('supernet.ckpt');
    const missing = await oqat(['runs', 'show', 'no-such-run', '--db', db]);
    expect(missing.code).toBe(3);
    const evalArgs = ['eval', '--run', summary.run.id, '--db', db, '--subnet', 'smallest', '--test-images', '50', '--bn-images', '64', '--backend', 'wasm'];
    const evaluated = await oqatProcess([...evalArgs, '--json']);
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout.trim())).toMatchObject({ images: 50, trainedBits: [4], subnet: { bits: 4 } });
    const untrained = await oqat([...evalArgs, '--bits', '2']);
    expect(untrained.code).toBe(3);
    expect(untrained.stderr).toMatch(/2 bit was not trained \(trained: 4\)/);
  }, 600_000);

  it('evaluates and exports a mixed-precision subnet of a checkpoint, each layer at its own bits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oqat-mixed-'));
    const ckpt = join(dir, 'supernet.ckpt');
    await initEngine({ backend: 'wasm' });
    writeWidthsCheckpoint(ckpt, FASHION_MNIST_SPACE, 4).dispose(); // 4/3/2-bit widths, untrained
    const uniform = smallestSubnet(FASHION_MNIST_SPACE, 2);
    const names = elasticLayerNames(FASHION_MNIST_SPACE, uniform.depths);
    const spec = withLayerBits(FASHION_MNIST_SPACE, uniform, { [names[0]!]: 4, [names[names.length - 1]!]: 3 });
    const specPath = join(dir, 'mixed.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const evaluated = await oqatProcess(['eval', '--checkpoint', ckpt, '--subnet', specPath, '--test-images', '100', '--bn-images', '64', '--backend', 'wasm', '--json']);
    expect(evaluated.stderr).toBe('');
    expect(JSON.parse(evaluated.stdout.trim())).toMatchObject({ images: 100, trainedBits: [2, 3, 4], subnet: spec });
    const out = join(dir, 'model');
    const exported = await oqat(['export', '--subnet', specPath, '--checkpoint', ckpt, '--out', out, '--db', join(dir, 'runs.db'), '--json']);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const report = JSON.parse(exported.stdout.trim());
    expect(Math.abs(report.onnxAccuracy - report.appAccuracy)).toBeLessThanOrEqual(0.003);
    const manifest = JSON.parse(readFileSync(join(out, 'export-manifest.json'), 'utf8'));
    expect(manifest.subnet).toEqual(spec);
    expect(manifest.layerBits.find((l: { subnetLayer: string }) => l.subnetLayer === names[0])).toMatchObject({ weightBits: 4, inputBits: 4 });
    expect(manifest.layerBits.find((l: { subnetLayer: string }) => l.subnetLayer === names[names.length - 1])).toMatchObject({ weightBits: 3 });
  }, 600_000);

  it('trains on a folder of its own RGB PNG and JPEG images, searches and exports it with the folder\'s mean/std', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oqat-own-data-'));
    const photos = join(dir, 'photos');
    const files = await writeTinyClassFolder(photos, { classes: ['blue', 'green', 'red'], perClass: 12, size: 16, channels: 3, formats: ['png', 'jpeg'] });
    writeFileSync(files[5]!, readFileSync(files[5]!).subarray(0, 50));
    const info = await oqat(['data', 'info', '--data', photos, '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ layout: 'classification', classNames: ['blue', 'green', 'red'], height: 16, width: 16, channels: 3, problems: [{ file: files[5] }] });
    const db = join(dir, 'runs.db');
    const args = ['train', '--data', photos, '--bits', '4', '--epochs-float', '0', '--epochs', '1', '--batch', '8', '--devices', 'fpga', '--generations', '1', '--population', '4', '--backend', 'wasm', '--db', db];
    const refused = await oqat(args);
    expect(refused.code).toBe(3);
    expect(refused.stderr.trim().split('\n')).toEqual([`oqat: loadImageFolder: cannot read ${files[5]} as PNG or JPEG (unknown JPEG marker 0); replace or remove it, or skip bad files (--skip-bad-files)`]);
    const trained = await oqat([...args, '--skip-bad-files', '--json']);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const events = trained.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(JSON.stringify(events)).toContain('skipped 1 bad file(s)');
    const runs = events.filter((e) => e.kind === 'summary').map((e) => e.run);
    expect(runs.map((r) => `${r.kind} ${r.status}`).sort()).toEqual(['search finished', 'train finished']);
    const search = runs.find((r) => r.kind === 'search');
    const shown = (await oqat(['runs', 'show', search.id, '--db', db, '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const out = join(dir, 'model');
    const exported = await oqat(['export', '--run', search.id, '--candidate', String(shown[1].candidate.id), '--format', 'onnx', '--out', out, '--db', db]);
    expect(exported.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'export-manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ classes: 3, input: { channels: 3 } });
    expect(manifest.input.normalization.mean).toBeGreaterThan(0.3);
    expect(manifest.input.normalization.mean).not.toBeCloseTo(0.286, 3);
  }, 600_000);
});
