import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { firstLine, fixture, spawnFixture } from '../../test/spawn-tsx.ts';
import { tempDirs } from '../../test/temp-dir.ts';
import { openRunStore } from '../store/open-run-store.ts';
import { resumeRun } from './start-run.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}

describe('kill -9 of the owning process', () => {
  it('stops its worker, leaves the run interrupted, and resumeRun finishes it like an uninterrupted run', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'runs.db');
    const owner = spawnFixture('owner-process.ts', [path, dir, fixture('count-job.ts')]);
    const runId = await firstLine(owner);

    const store = await openRunStore({ path, staleAfterMs: 600 });
    const checkpoint = await until(async () => {
      const c = await store.lastCheckpoint(runId);
      return c && c.step >= 10 ? c : undefined;
    }, 20_000);
    const workerPid = (await store.getRun(runId)).pid ?? 0;
    expect(alive(workerPid)).toBe(true);
    owner.kill('SIGKILL');

    await until(async () => (alive(workerPid) ? undefined : true), 5_000); // the orphaned worker exits by itself
    expect((await store.getRun(runId)).status).toBe('running'); // heartbeat still fresh
    const run = await until(async () => {
      const r = (await store.listRuns()).find((x) => x.id === runId);
      return r?.status === 'interrupted' ? r : undefined;
    }, 5_000);
    expect(run.error).toMatch(/no heartbeat since/);

    const resumed = await resumeRun<unknown, { sum: number; firstStep: number }>(store, runId, { heartbeatMs: 100 });
    const result = await resumed.result;
    // steps 1..40 with seed 3, identical to an uninterrupted run
    expect(result.sum).toBe(3 * 820);
    expect(result.firstStep).toBeGreaterThan(checkpoint.step);
    expect(result.firstStep % 5).toBe(1);
    expect((await store.readEvents(runId)).map((e) => e.kind).filter((k) => !['progress', 'metric', 'log'].includes(k))).toEqual([
      'queued', 'started', 'interrupted', 'queued', 'started', 'finished',
    ]);
    await store.close();
  });
});
