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
}

function run(...args: string[]): FixtureOutput {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fixture, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out) as FixtureOutput;
}

describe('threaded wasm backend', () => {
  it('runs 2 threads with outputs and gradients identical to the single-thread build', () => {
    const two = run('2');
    const one = run('1');
    expect(two.threads).toBe(2);
    expect(one.threads).toBe(1);
    expect(two.value).toEqual(one.value);
    expect(two.grads).toEqual(one.grads);
  });

  it('falls back to one thread, still computing, when the pthread worker cannot start', () => {
    const broken = join(tmpdir(), `oqat-broken-worker-${process.pid}.cjs`);
    writeFileSync(broken, 'throw new Error("broken on purpose");\n');
    const fallback = run('2', broken);
    expect(fallback.threads).toBe(1);
    expect(fallback.status.fallbackReason).toMatch(/threaded wasm failed to start/);
    expect(fallback.value[0]).toBeGreaterThan(0);
  });
});
