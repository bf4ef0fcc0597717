import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each run needs its own process: a process has one 'wasm' backend.
const fixture = fileURLToPath(new URL('./threaded-wasm-fixture.ts', import.meta.url));

interface FixtureOutput {
  threads: number;
  status: { requested: number; fallbackReason?: string };
  value: number[];
  grads: number[][];
  deterministic: boolean;
}

function relativeError(actual: number[], expected: number[]): number {
  const scale = Math.max(1e-12, ...expected.map(Math.abs));
  return Math.max(...actual.map((a, i) => Math.abs(a - expected[i]!))) / scale;
}

function run(...args: string[]): FixtureOutput {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fixture, ...args], {
    encoding: 'utf8',
    timeout: 180_000, // a fresh process loading tsx and wasm: slow on a loaded 2-core machine
  });
  return JSON.parse(out) as FixtureOutput;
}

describe('threaded wasm backend', () => {
  it('runs 2 threads with outputs and gradients equal to the single-thread build', () => {
    const two = run('2');
    const one = run('1');
    expect(two.threads).toBe(2);
    expect(one.threads).toBe(1);
    expect(two.deterministic).toBe(true);
    // XNNPACK's ops are bit-identical across thread counts; our SIMD kernels
    // sum two halves of the batch on two threads, which reorders float sums.
    expect(relativeError(two.value, one.value)).toBeLessThan(1e-5);
    two.grads.forEach((g, i) => expect(relativeError(g, one.grads[i]!)).toBeLessThan(1e-5));
  }, 400_000);

  it('falls back to one thread, still computing, when the pthread worker cannot start', () => {
    const broken = join(tmpdir(), `oqat-broken-worker-${process.pid}.cjs`);
    writeFileSync(broken, 'throw new Error("broken on purpose");\n');
    const fallback = run('2', broken);
    expect(fallback.threads).toBe(1);
    expect(fallback.status.fallbackReason).toMatch(/threaded wasm failed to start/);
    expect(fallback.value[0]).toBeGreaterThan(0);
  }, 200_000);
});
