import { join } from 'node:path';
import { filter, lastValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../test/spawn-tsx.ts';
import { tempDirs } from '../../test/temp-dir.ts';
import { openRunStore } from '../store/open-run-store.ts';
import { runAndForget } from './run-and-forget.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const countJob = { modulePath: fixture('count-job.ts'), exportName: 'countJob' };
const fast = { metricFlushMs: 50, progressIntervalMs: 20 };

describe('runAndForget', () => {
  it('emits every event from queued to finished, then completes', async () => {
    const dir = await dirs.make();
    const store = await openRunStore({ path: join(dir, 'runs.db') });
    const events = await lastValueFrom(runAndForget(store, { kind: 'count', job: countJob, config: { steps: 5, stepMs: 5, dir } }, fast).pipe(toArray()));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0].kind).toBe('queued');
    expect(events.at(-1)).toMatchObject({ kind: 'finished', result: { sum: 15 } });
    await store.close();
  });

  it('unsubscribing stops the run (cancelled)', async () => {
    const dir = await dirs.make();
    const store = await openRunStore({ path: join(dir, 'runs.db') });
    const progress = await lastValueFrom(
      runAndForget(store, { kind: 'count', job: countJob, config: { steps: 500, stepMs: 10, dir } }, fast).pipe(
        filter((e) => e.kind === 'progress'),
        take(2),
        toArray(),
      ),
    );
    const runId = progress[0].runId;
    const ended = await lastValueFrom(store.events$(runId));
    expect(ended.kind).toBe('cancelled');
    expect((await store.getRun(runId)).status).toBe('cancelled');
    expect((await store.lastCheckpoint(runId))?.step).toBeGreaterThanOrEqual(2);
    await store.close();
  });
});
