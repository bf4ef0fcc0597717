import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../test/spawn-tsx.ts';
import { tempDirs } from '../../test/temp-dir.ts';
import { JobNotResumableError, RunCancelledError, RunFailedError, RunNotResumableError } from '../errors.ts';
import { openRunStore } from '../store/open-run-store.ts';
import type { RunStore } from '../store/run-store.ts';
import { resumeRun, startRun } from './start-run.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const countJob = { modulePath: fixture('count-job.ts'), exportName: 'countJob' };
const fast = { metricFlushMs: 50, progressIntervalMs: 20, heartbeatMs: 200 };

async function setup(): Promise<{ store: RunStore; dir: string }> {
  const dir = await dirs.make();
  return { store: await openRunStore({ path: join(dir, 'runs.db') }), dir };
}

describe('startRun', () => {
  it('runs a job in a worker to the end and records everything it reports', async () => {
    const { store, dir } = await setup();
    const run = await startRun(store, { kind: 'count', job: countJob, config: { steps: 12, stepMs: 10, dir, checkpointEvery: 4 }, seed: 2 }, fast);
    const seen = lastValueFrom(run.events$.pipe(toArray()));
    expect(await run.result).toEqual({ sum: 2 * 78, firstStep: 1, attempt: 1 });
    const events = await seen;
    expect(events[0].kind).toMatch(/queued|started/);
    expect(events.at(-1)?.kind).toBe('finished');

    const stored = await store.readEvents(run.id);
    const kinds = new Set(stored.map((e) => e.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['queued', 'started', 'progress', 'metric', 'log', 'finished']));
    expect(stored.find((e) => e.kind === 'log')).toMatchObject({ level: 'info', message: 'count job attempt 1 from step 1' });
    expect(stored.filter((e) => e.kind === 'progress').at(-1)).toMatchObject({ current: 12, total: 12, seed: 2, detail: { sum: 156 } });
    expect(await store.countMetrics(run.id)).toBe(12);
    expect((await store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([4, 8, 12]);
    expect(await store.getRun(run.id)).toMatchObject({ status: 'finished', result: { sum: 156 }, job: countJob });

    // late subscribers get the latest value only, then completion
    expect(await lastValueFrom(run.events$.pipe(toArray()))).toEqual([expect.objectContaining({ kind: 'finished' })]);
    expect(await firstValueFrom(run.progress$)).toMatchObject({ state: 'finished', current: 12, total: 12, seed: 2 });
    await store.close();
  });

  it('a job that throws fails the run with its error', async () => {
    const { store, dir } = await setup();
    const run = await startRun(store, { kind: 'count', job: countJob, config: { steps: 9, stepMs: 5, dir, failAt: 3 } }, fast);
    await expect(run.result).rejects.toThrow(RunFailedError);
    await expect(run.result).rejects.toThrow('failed: RangeError: boom at step 3');
    expect(await store.getRun(run.id)).toMatchObject({ status: 'failed', error: 'RangeError: boom at step 3' });
    expect(await store.countMetrics(run.id)).toBe(2);
    await store.close();
  });

  it('a worker that dies fails the run; a missing export is named', async () => {
    const { store, dir } = await setup();
    const crash = await startRun(store, { kind: 'count', job: countJob, config: { steps: 9, stepMs: 5, dir, crashAt: 2 } }, fast);
    await expect(crash.result).rejects.toThrow('job worker exited with code 3 before finishing');
    const missing = await startRun(store, { kind: 'count', job: { ...countJob, exportName: 'notAFunction' }, config: {} }, fast);
    await expect(missing.result).rejects.toThrow(/JobExportNotFoundError: job runner: .*count-job.ts has no function export 'notAFunction'; found: countJob, stubbornJob/);
    await store.close();
  });

  it('stop() ends the job at its next step with a checkpoint, and resumeRun finishes it with the same result', async () => {
    const { store, dir } = await setup();
    const config = { steps: 30, stepMs: 15, dir };
    const run = await startRun(store, { kind: 'count', job: countJob, config, seed: 5 }, fast);
    await firstValueFrom(store.events$(run.id).pipe(filter((e) => e.kind === 'progress' && e.current >= 4)));
    await run.stop();
    await expect(run.result).rejects.toThrow(RunCancelledError);
    const cancelled = await store.resumeInfo(run.id);
    expect(cancelled.run.status).toBe('cancelled');
    expect(cancelled.resumable).toBe(true);
    const stoppedAt = cancelled.checkpoint?.step ?? 0;
    expect(stoppedAt).toBeGreaterThanOrEqual(4);
    expect(stoppedAt).toBeLessThan(30);

    const resumed = await resumeRun(store, run.id, fast);
    expect(resumed.id).toBe(run.id);
    expect(await resumed.result).toEqual({ sum: 5 * 465, firstStep: stoppedAt + 1, attempt: 2 });
    expect(await store.getRun(run.id)).toMatchObject({ status: 'finished', attempt: 2 });
    expect(await store.countMetrics(run.id)).toBe(30);
    const kinds = (await store.readEvents(run.id)).map((e) => e.kind).filter((k) => k !== 'progress' && k !== 'metric' && k !== 'log');
    expect(kinds).toEqual(['queued', 'started', 'cancelled', 'queued', 'started', 'finished']);
    await expect(resumeRun(store, run.id)).rejects.toThrow(RunNotResumableError);
    await store.close();
  });

  it('a job that ignores stop is killed after the grace period and cancelled', async () => {
    const { store } = await setup();
    const run = await startRun(store, { kind: 'stubborn', job: { ...countJob, exportName: 'stubbornJob' }, config: {} }, { ...fast, stopGraceMs: 300 });
    await firstValueFrom(run.progress$.pipe(filter((p) => p.state === 'running' && p.current >= 3)));
    const t0 = Date.now();
    await run.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect((await store.getRun(run.id)).status).toBe('cancelled');
    await store.close();
  });

  it('resumeRun needs a job: the recorded one or an explicit one', async () => {
    const { store } = await setup();
    const bare = await store.createRun({ kind: 'count', config: {} });
    await store.markCancelled(bare.id);
    await expect(resumeRun(store, bare.id)).rejects.toThrow(JobNotResumableError);
    await store.close();
  });
});
