import { join } from 'node:path';
import { lastValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/temp-dir.ts';
import { openRunStore } from '../store/open-run-store.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('store.events$', () => {
  it('replays stored events, then goes live, and completes at the terminal event', async () => {
    const s = await openRunStore({ path: join(await dirs.make(), 'runs.db') });
    const run = await s.createRun({ kind: 'train', config: {} });
    await s.markRunning(run.id);
    const all = lastValueFrom(s.events$(run.id, { pollMs: 0 }).pipe(toArray()));
    await s.appendEvent(run.id, { kind: 'progress', current: 1, total: 2 });
    await s.appendEvent(run.id, { kind: 'log', level: 'info', message: 'half way' });
    await s.markFinished(run.id, 'ok');
    expect((await all).map((e) => [e.seq, e.kind])).toEqual([
      [1, 'queued'], [2, 'started'], [3, 'progress'], [4, 'log'], [5, 'finished'],
    ]);
    // a subscriber after the end gets the whole history and completes
    expect(await lastValueFrom(s.events$(run.id).pipe(toArray()))).toHaveLength(5);
    await s.close();
  });

  it('in-process subscribers get an event as soon as it is committed (no polling)', async () => {
    const s = await openRunStore({ path: join(await dirs.make(), 'runs.db') });
    const run = await s.createRun({ kind: 'train', config: {} });
    const next = lastValueFrom(s.events$(run.id, { pollMs: 0 }).pipe(take(2), toArray()));
    await new Promise((r) => setTimeout(r, 20));
    await s.appendEvent(run.id, { kind: 'log', level: 'warn', message: 'now' });
    // pollMs 0: only the in-process bus can have delivered it
    expect((await next)[1]).toMatchObject({ kind: 'log', message: 'now' });
    await s.close();
  });

  it("sees another connection's writes by polling, in order and without repeats", async () => {
    const path = join(await dirs.make(), 'runs.db');
    const writer = await openRunStore({ path });
    const watcher = await openRunStore({ path });
    const run = await writer.createRun({ kind: 'search', config: {} });
    const seen = lastValueFrom(watcher.events$(run.id, { pollMs: 20 }).pipe(toArray()));
    await writer.markRunning(run.id);
    for (let i = 1; i <= 30; i++) await writer.appendEvent(run.id, { kind: 'progress', current: i, total: 30, detail: { i } });
    await writer.markCancelled(run.id);
    const events = await seen;
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1));
    expect(events.at(-1)?.kind).toBe('cancelled');
    await writer.close();
    await watcher.close();
  });

  it('replays past an earlier terminal event when the run was resumed', async () => {
    const s = await openRunStore({ path: join(await dirs.make(), 'runs.db') });
    const run = await s.createRun({ kind: 'train', config: {} });
    await s.markCancelled(run.id);
    await s.requeue(run.id);
    const all = lastValueFrom(s.events$(run.id).pipe(toArray()));
    await s.markRunning(run.id);
    await s.markFinished(run.id);
    expect((await all).map((e) => e.kind)).toEqual(['queued', 'cancelled', 'queued', 'started', 'finished']);
    await s.close();
  });
});
