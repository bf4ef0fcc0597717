import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/temp-dir.ts';
import { StoreDamagedError, StoreReadOnlyError, StoreUnreachableError } from '../errors.ts';
import { fillRunStore } from '../testing.ts';
import { openRunStore } from './open-run-store.ts';
import { SqliteConnection, environmentError } from './sqlite-connection.ts';

// What the environment can do to a run store, each as a one-line OqatError
// that leaves the stored bytes as they were. Tests run as root here, which
// no permission bit stops: a read-only file or folder is made with
// `chattr +i` (immutable, which binds root too) where the file system allows
// it; elsewhere those cases are skipped and the mapping is still checked with
// the real error the sqlite3 driver gives for a write on a read-only handle.

const dirs = tempDirs();
const immutable: string[] = [];
afterEach(async () => {
  for (const p of immutable.splice(0)) spawnSync('chattr', ['-i', p]);
  await dirs.cleanup();
});

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

/** `chattr +i path`; false where the tool or the file system does not allow it. */
function makeImmutable(path: string): boolean {
  const ok = spawnSync('chattr', ['+i', path]).status === 0;
  if (ok) immutable.push(path);
  return ok;
}

const chattrWorks = await (async () => {
  const dir = await dirs.make();
  const probe = join(dir, 'probe');
  await writeFile(probe, '');
  const ok = makeImmutable(probe);
  const refused = ok && (await writeFile(probe, 'x').then(() => false, () => true));
  for (const p of immutable.splice(0)) spawnSync('chattr', ['-i', p]);
  await dirs.cleanup();
  return refused;
})();

async function storeWithRuns(n = 40): Promise<{ path: string; ids: string[] }> {
  const path = join(await dirs.make(), 'runs.db');
  return { path, ids: await fillRunStore(path, n) };
}

function expectOneLine(err: unknown, type: new (...a: never[]) => Error, message: RegExp): void {
  expect(err).toBeInstanceOf(type);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain('\n');
}

describe('run store: errors of the environment', () => {
  it('maps the driver\'s own SQLITE_READONLY (a write on a read-only handle) to StoreReadOnlyError, cause kept', async () => {
    const { path } = await storeWithRuns(1);
    const before = await sha(path);
    const c = await SqliteConnection.open(path, 'readonly');
    const err = await c.run("INSERT INTO runs (id) VALUES ('x')").then(() => undefined, (e: unknown) => e);
    await c.close();
    expectOneLine(err, StoreReadOnlyError, /runs\.db cannot be written \(SQLITE_READONLY: .*\); nothing was changed/);
    expect(((err as Error).cause as { code?: string }).code).toBe('SQLITE_READONLY');
    expect(await sha(path)).toBe(before);
    // what the store does not own passes through unchanged
    const busy = Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });
    expect(environmentError(busy, path)).toBe(busy);
  });

  it.runIf(chattrWorks)('a read-only store file: a write fails with one line and the file keeps its bytes', async () => {
    const { path, ids } = await storeWithRuns(3);
    const before = await sha(path);
    expect(makeImmutable(path)).toBe(true);
    const s = await openRunStore({ path });
    const err = await s.deleteRun(ids[0]!).then(() => undefined, (e: unknown) => e);
    expectOneLine(err, StoreReadOnlyError, /cannot be written \(SQLITE_READONLY/);
    expect((await s.listRuns()).map((r) => r.id).sort()).toEqual([...ids].sort());
    await s.close();
    expect(await sha(path)).toBe(before);
  });

  it.runIf(chattrWorks)('a folder that refuses new files: one line to open a store there, no file made', async () => {
    const dir = await dirs.make();
    expect(makeImmutable(dir)).toBe(true);
    const err = await openRunStore({ path: join(dir, 'runs.db') }).then(() => undefined, (e: unknown) => e);
    expectOneLine(err, StoreUnreachableError, /cannot open .*runs\.db \(SQLITE_CANTOPEN/);
    expect(existsSync(join(dir, 'runs.db'))).toBe(false);
  });

  // Root passes every permission bit: these two run where the tests run as a user (CI), skip here.
  const asUser = process.getuid?.() !== 0;

  it.runIf(asUser)('a folder without write permission: one line, no file made', async () => {
    const dir = await dirs.make();
    await chmod(dir, 0o555);
    try {
      const err = await openRunStore({ path: join(dir, 'runs.db') }).then(() => undefined, (e: unknown) => e);
      expectOneLine(err, StoreUnreachableError, /cannot open .*runs\.db \(SQLITE_CANTOPEN/);
      expect(existsSync(join(dir, 'runs.db'))).toBe(false);
    } finally {
      await chmod(dir, 0o755);
    }
  });

  it.runIf(asUser)('a folder that may not be entered (EACCES): one line, for reading and writing', async () => {
    const dir = await dirs.make();
    const { path } = await storeWithRuns(1);
    const inside = join(dir, 'locked');
    await mkdir(inside);
    await rename(path, join(inside, 'runs.db'));
    await chmod(inside, 0o000);
    try {
      for (const readOnly of [false, true]) {
        const err = await openRunStore({ path: join(inside, 'runs.db'), readOnly }).then(() => undefined, (e: unknown) => e);
        expectOneLine(err, StoreUnreachableError, /cannot open .*runs\.db \(permission denied, EACCES\)/);
      }
    } finally {
      await chmod(inside, 0o755);
    }
  });

  it('a path through a regular file (ENOTDIR): one line, whether the store exists or is to be made', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'file'), 'x');
    for (const path of [join(dir, 'file', 'runs.db'), join(dir, 'file', 'sub', 'runs.db')]) {
      const err = await openRunStore({ path }).then(() => undefined, (e: unknown) => e);
      expectOneLine(err, StoreUnreachableError, /a part of its path is a file, not a folder, ENOTDIR/);
    }
    expect(await readFile(join(dir, 'file'), 'utf8')).toBe('x');
  });

  it('a damaged table page (SQLITE_CORRUPT): reads and writes fail with one line and the file keeps its bytes', async () => {
    const { path } = await storeWithRuns();
    const c = await SqliteConnection.open(path, 'readonly');
    const { rootpage } = (await c.get<{ rootpage: number }>("SELECT rootpage FROM sqlite_master WHERE name = 'runs'"))!;
    const { page_size: pageSize } = (await c.get<{ page_size: number }>('PRAGMA page_size'))!;
    await c.close();
    const bytes = await readFile(path);
    bytes.fill(0xff, (rootpage - 1) * pageSize, rootpage * pageSize); // the runs table's root page
    await writeFile(path, bytes);
    const before = await sha(path);

    const s = await openRunStore({ path }); // the schema and header are sound: opening works
    const read = await s.listRuns().then(() => undefined, (e: unknown) => e);
    expectOneLine(read, StoreDamagedError, /runs\.db is damaged \(SQLITE_CORRUPT: .*malformed\); nothing more was written to it/);
    const write = await s.createRun({ kind: 'train', config: {} }).then(() => undefined, (e: unknown) => e);
    expectOneLine(write, StoreDamagedError, /is damaged/);
    await s.close();
    expect(await sha(path)).toBe(before);
  });
});

describe('run store opened readOnly', () => {
  it('does not create a store that does not exist, and reads it as empty', async () => {
    const path = join(await dirs.make(), 'none', 'runs.db');
    const s = await openRunStore({ path, readOnly: true });
    expect(await s.listRuns()).toEqual([]);
    expect(s.path).toBe(path);
    await s.close();
    expect(existsSync(join(path, '..'))).toBe(false);
  });

  it('reads while another process holds the write lock, shows stale runs interrupted without writing them', async () => {
    const { path, ids } = await storeWithRuns(2);
    const w = await openRunStore({ path, staleAfterMs: 60_000 });
    const crashed = await w.createRun({ kind: 'train', config: {} });
    await w.markRunning(crashed.id, 2 ** 22 + 12345); // a pid that is not alive: stale at once
    await w.close();
    const lock = await SqliteConnection.open(path, 'readwrite');
    await lock.exec('BEGIN IMMEDIATE');
    try {
      const s = await openRunStore({ path, readOnly: true, busyTimeoutMs: 100 });
      const runs = await s.listRuns();
      expect(runs.map((r) => r.id).sort()).toEqual([...ids, crashed.id].sort());
      expect(runs.find((r) => r.id === crashed.id)?.status).toBe('interrupted');
      const err = await s.deleteRun(ids[0]!).then(() => undefined, (e: unknown) => e);
      expectOneLine(err, StoreReadOnlyError, /opened read-only by this command/);
      await s.close();
    } finally {
      await lock.exec('ROLLBACK');
      await lock.close();
    }
    const after = await openRunStore({ path, readOnly: true });
    expect((await after.getRun(crashed.id)).status).toBe('running'); // read-only: not written
    await after.close();
  });

  it.runIf(chattrWorks)('reads a store in a folder that refuses the -shm file (immutable read of the main file)', async () => {
    const { path, ids } = await storeWithRuns(2);
    const dir = join(path, '..');
    expect(makeImmutable(dir)).toBe(true);
    const s = await openRunStore({ path, readOnly: true });
    expect((await s.listRuns()).length).toBe(ids.length);
    await s.close();
  });
});

