import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../test/spawn-tsx.ts';
import { tempDirs } from '../../test/temp-dir.ts';
import { openRunStore } from '../store/open-run-store.ts';
import { SqliteConnection } from '../store/sqlite-connection.ts';
import { startRun } from './start-run.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const countJob = { modulePath: fixture('count-job.ts'), exportName: 'countJob' };

describe('a run while another process holds the store locked', () => {
  it('keeps its result: writes retry with backoff past the busy timeout, and the run ends finished', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'runs.db');
    // busy timeout 100 ms, the lock held 1.5 s: every write of the run gives up at least once
    const store = await openRunStore({ path, busyTimeoutMs: 100 });
    const lock = await SqliteConnection.open(path, 'readwrite');
    const run = await startRun(store, { kind: 'count', job: countJob, config: { steps: 6, stepMs: 5, dir } }, {
      metricFlushMs: 20, progressIntervalMs: 10, heartbeatMs: 50,
    });
    await lock.exec('BEGIN IMMEDIATE');
    await sleep(1_500);
    await lock.exec('COMMIT');
    await lock.close();
    expect(await run.result).toEqual({ sum: 21, firstStep: 1, attempt: 1 });
    expect(await store.getRun(run.id)).toMatchObject({ status: 'finished', result: { sum: 21 }, error: null });
    expect(await store.countMetrics(run.id)).toBe(6);
    await store.close();
  }, 30_000);
});
