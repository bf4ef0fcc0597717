import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, tempDirs } from '../../test/temp-dir.ts';
import { InvalidRunTransitionError, RunActiveError, RunNotFoundError } from '../errors.ts';
import { openRunStore } from './open-run-store.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function store(staleAfterMs = 10_000) {
  const clock = manualClock();
  const s = await openRunStore({ path: `${await dirs.make()}/runs.db`, now: clock.now, staleAfterMs });
  return { s, clock };
}

describe('run lifecycle', () => {
  it('queued → running → finished, with result, timestamps and events', async () => {
    const { s, clock } = await store();
    const run = await s.createRun({ kind: 'train', config: { epochs: 2 }, seed: 7 });
    expect(run).toMatchObject({ status: 'queued', kind: 'train', config: { epochs: 2 }, seed: 7, attempt: 1 });
    clock.advance(5);
    expect(await s.markRunning(run.id, 1234)).toMatchObject({ status: 'running', pid: 1234, startedAt: run.createdAt + 5 });
    clock.advance(5);
    const done = await s.markFinished(run.id, { accuracy: 0.9 });
    expect(done).toMatchObject({ status: 'finished', result: { accuracy: 0.9 }, endedAt: run.createdAt + 10 });
    const kinds = (await s.readEvents(run.id)).map((e) => [e.seq, e.kind]);
    expect(kinds).toEqual([[1, 'queued'], [2, 'started'], [3, 'finished']]);
    await s.close();
  });

  it('running → failed keeps the error on the row and in the event', async () => {
    const { s } = await store();
    const run = await s.createRun({ kind: 'search', config: {} });
    await s.markRunning(run.id);
    expect(await s.markFailed(run.id, 'RangeError: bits must be 2–8, got 12')).toMatchObject({
      status: 'failed',
      error: 'RangeError: bits must be 2–8, got 12',
    });
    expect((await s.readEvents(run.id)).at(-1)).toMatchObject({ kind: 'failed', error: 'RangeError: bits must be 2–8, got 12' });
    await s.close();
  });

  it('running → cancelled and queued → cancelled', async () => {
    const { s } = await store();
    const a = await s.createRun({ kind: 'train', config: {} });
    await s.markRunning(a.id);
    expect((await s.markCancelled(a.id)).status).toBe('cancelled');
    const b = await s.createRun({ kind: 'train', config: {} });
    expect((await s.markCancelled(b.id, 'user pressed stop')).status).toBe('cancelled');
    expect((await s.readEvents(b.id)).at(-1)).toMatchObject({ kind: 'cancelled', reason: 'user pressed stop' });
    await s.close();
  });

  it('a stale heartbeat is marked interrupted when listing and when the store opens', async () => {
    const { s, clock } = await store(10_000);
    const live = await s.createRun({ kind: 'train', config: {} });
    const dead = await s.createRun({ kind: 'train', config: {} });
    await s.markRunning(live.id);
    await s.markRunning(dead.id);
    clock.advance(8_000);
    await s.heartbeat(live.id);
    clock.advance(8_000); // dead: 16 s without heartbeat, live: 8 s
    const listed = await s.listRuns();
    expect(listed.find((r) => r.id === dead.id)?.status).toBe('interrupted');
    expect(listed.find((r) => r.id === live.id)?.status).toBe('running');
    expect((await s.getRun(dead.id)).error).toMatch(/no heartbeat since/);
    expect((await s.readEvents(dead.id)).at(-1)?.kind).toBe('interrupted');

    clock.advance(20_000);
    const path = s.path;
    await s.close();
    const reopened = await openRunStore({ path, now: clock.now, staleAfterMs: 10_000 });
    expect((await reopened.getRun(live.id)).status).toBe('interrupted');
    await reopened.close();
  });

  it('a running run whose worker process is gone is interrupted at once, without waiting for its heartbeat to go stale', async () => {
    const { s } = await store(60_000);
    const gone = await s.createRun({ kind: 'train', config: {} });
    const alive = await s.createRun({ kind: 'train', config: {} });
    const exited = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that has just exited
    await s.markRunning(gone.id, exited);
    await s.markRunning(alive.id, process.pid);
    expect(await s.sweepStale()).toEqual([gone.id]);
    expect((await s.getRun(alive.id)).status).toBe('running');
    await s.close();
  });

  it('interrupted, cancelled and failed runs can be requeued (attempt + 1); finished cannot move', async () => {
    const { s, clock } = await store(1_000);
    const run = await s.createRun({ kind: 'train', config: {} });
    await s.markRunning(run.id);
    clock.advance(5_000);
    expect(await s.sweepStale()).toEqual([run.id]);
    const again = await s.requeue(run.id);
    expect(again).toMatchObject({ status: 'queued', attempt: 2, error: null, endedAt: null });
    await s.markRunning(run.id);
    await s.markFinished(run.id, 1);
    await expect(s.markRunning(run.id)).rejects.toThrow(InvalidRunTransitionError);
    await expect(s.requeue(run.id)).rejects.toThrow("cannot go from 'finished' to 'queued'");
    await s.close();
  });

  it('unknown ids and active runs give typed errors', async () => {
    const { s } = await store();
    await expect(s.getRun('nope')).rejects.toThrow(RunNotFoundError);
    await expect(s.markRunning('nope')).rejects.toThrow(RunNotFoundError);
    await expect(s.recordMetrics('nope', [{ name: 'loss', value: 1, step: 0 }])).rejects.toThrow("no run with id 'nope'");
    const run = await s.createRun({ kind: 'train', config: {} });
    await expect(s.deleteRun(run.id)).rejects.toThrow(RunActiveError);
    await s.markCancelled(run.id);
    await s.deleteRun(run.id);
    expect(await s.findRun(run.id)).toBeUndefined();
    await s.close();
  });
});
