import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, spawnFixture } from '../../test/spawn-tsx.ts';
import { tempDirs } from '../../test/temp-dir.ts';
import { openRunStore } from './open-run-store.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import { WriteQueue } from './write-queue.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function table(path: string) {
  const conn = await SqliteConnection.open(path, 'readwrite');
  await conn.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE IF NOT EXISTS t (v INTEGER NOT NULL)');
  return conn;
}

describe('WriteQueue', () => {
  it('never stalls when a write is enqueued right as the previous batch ends', async () => {
    const conn = await table(join(await dirs.make(), 'q.db'));
    const q = new WriteQueue(conn, { busyWaitMs: 1_000, maxOpsPerTransaction: 256 });
    for (let i = 0; i < 500; i++) await q.enqueue((c) => c.run('INSERT INTO t VALUES (?)', [i]));
    expect(await conn.get('SELECT COUNT(*) AS n FROM t')).toEqual({ n: 500 });
    await conn.close();
  });

  it('group-commits waiting writes; a failing write is undone alone', async () => {
    const conn = await table(join(await dirs.make(), 'q.db'));
    const q = new WriteQueue(conn, { busyWaitMs: 1_000, maxOpsPerTransaction: 256 });
    const results = await Promise.allSettled([
      q.enqueue((c) => c.run('INSERT INTO t VALUES (1)')),
      q.enqueue(async (c) => {
        await c.run('INSERT INTO t VALUES (2)');
        throw new Error('second write fails');
      }),
      q.enqueue((c) => c.run('INSERT INTO t VALUES (3)')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await conn.all('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }, { v: 3 }]);
    await q.close();
    await expect(q.enqueue((c) => c.run('INSERT INTO t VALUES (4)'))).rejects.toThrow('called after');
    await conn.close();
  });

  it('two processes writing one file at once lose no rows and leave it intact', async () => {
    const path = join(await dirs.make(), 'runs.db');
    await (await openRunStore({ path })).close(); // create it up front: the children race on writes, not on creation
    const batches = 120;
    const batchSize = 50;
    const outs = await Promise.all(
      ['a', 'b'].map((label) => collect(spawnFixture('concurrent-writer.ts', [path, label, String(batches), String(batchSize)]))),
    );
    const written = outs.map((o) => JSON.parse(o) as { runId: string; metrics: number; events: number });
    const store = await openRunStore({ path });
    for (const w of written) {
      expect(w.metrics).toBe(batches * batchSize);
      expect(await store.countMetrics(w.runId)).toBe(w.metrics);
      const events = await store.readEvents(w.runId);
      expect(events).toHaveLength(w.events);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect((await store.getRun(w.runId)).status).toBe('finished');
    }
    await store.close();
    const check = await SqliteConnection.open(path, 'readonly');
    expect(await check.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await check.close();
  });
});
