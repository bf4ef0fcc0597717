import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/oqat.mjs');

/** Runs the real `oqat` executable, as a user would. */
function oqat(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('oqat (end to end)', () => {
  it('lists its commands', () => {
    const r = oqat(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('oqat bench train-step');
    expect(r.stdout).toContain('oqat data info');
  });

  it('rejects unknown commands and options with exit 2 and one line', () => {
    const unknown = oqat(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const badChoice = oqat(['bench', 'train-step', '--backend', 'tpu']);
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toContain('--backend must be one of auto, tensorflow, wasm, cpu');
    const badNumber = oqat(['bench', 'train-step', '--batch', 'many']);
    expect(badNumber.code).toBe(2);
  });

  it('prints per-command help', () => {
    const r = oqat(['bench', 'train-step', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--mode <train|infer>');
  });

  it('bench train-step --json prints one JSON line with images/s', () => {
    const r = oqat(['bench', 'train-step', '--backend', 'wasm', '--mode', 'train', '--batch', '4', '--repeats', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result).toMatchObject({ backend: 'wasm', batch: 4, mode: 'train' });
    expect(result.imagesPerSec).toBeGreaterThan(0);
  });

  it('data info reports the copy in use and balanced class counts', () => {
    const r = oqat(['data', 'info', '--source', 'subset', '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout.trim().split('\n')[0]!);
    expect(info.source).toBe('subset');
    expect(info.splits.train.count).toBeGreaterThan(1000);
    expect(info.splits.test.count).toBeGreaterThan(100);
  });

  it('a missing dataset folder gives exit 3 and names the folder', () => {
    const r = oqat(['data', 'info', '--source', 'full', '--json'], { OQAT_DATA: '/nonexistent/fmnist' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('/nonexistent/fmnist');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
