import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/temp-dir.ts';
import { StoreCorruptError, StoreSchemaTooNewError } from '../errors.ts';
import { openRunStore, resolveStorePath } from './open-run-store.ts';
import { SqliteConnection } from './sqlite-connection.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

/** Opening must fail with `error`, and the file must be byte-for-byte what it was, with no WAL beside it. */
async function expectRejectedUntouched(path: string, error: new (...a: never[]) => Error, message: RegExp) {
  const before = await sha(path);
  const err = await openRunStore({ path }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(error);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain('\n');
  expect(await sha(path)).toBe(before);
  expect(existsSync(`${path}-wal`)).toBe(false);
}

async function rawDb(path: string, sql: string) {
  const c = await SqliteConnection.open(path, 'readwrite');
  await c.exec(sql);
  await c.close();
}

describe('openRunStore', () => {
  it('defaults to <cwd>/.oqat/runs.db, then $OQAT_DB, then the option', () => {
    expect(resolveStorePath({ cwd: '/w', env: {} })).toBe('/w/.oqat/runs.db');
    expect(resolveStorePath({ cwd: '/w', env: { OQAT_DB: 'x/my.db' } })).toBe('/w/x/my.db');
    expect(resolveStorePath({ cwd: '/w', env: { OQAT_DB: '/abs.db' }, path: 'o.db' })).toBe('/w/o.db');
  });

  it('creates the folder and file, in WAL mode with the schema version and application id', async () => {
    const cwd = await dirs.make();
    const s = await openRunStore({ cwd, env: {} });
    expect(s.path).toBe(join(cwd, '.oqat', 'runs.db'));
    expect(s.schemaVersion).toBe(1);
    const c = await SqliteConnection.open(s.path, 'readonly');
    expect(await c.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await c.get('PRAGMA application_id')).toEqual({ application_id: 0x4f514154 });
    const tables = (await c.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
    expect(tables).toEqual(['artifacts', 'candidates', 'checkpoints', 'events', 'metrics', 'runs']);
    await c.close();
    await s.close();
  });

  it('reopens an existing store and keeps its rows', async () => {
    const path = join(await dirs.make(), 'runs.db');
    const a = await openRunStore({ path });
    const run = await a.createRun({ kind: 'train', config: { x: 1 } });
    await a.markCancelled(run.id);
    await a.close();
    const b = await openRunStore({ path });
    expect((await b.getRun(run.id)).config).toEqual({ x: 1 });
    await b.close();
  });

  it('rejects a file of garbage with one line and leaves it untouched', async () => {
    const path = join(await dirs.make(), 'runs.db');
    await writeFile(path, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) & 255)));
    await expectRejectedUntouched(path, StoreCorruptError, /runs\.db is not a readable OQAT run store \(.*not a database\); it was left untouched/);
  });

  it('rejects a store whose schema pages are damaged and leaves it untouched', async () => {
    const path = join(await dirs.make(), 'runs.db');
    const s = await openRunStore({ path });
    await s.createRun({ kind: 'train', config: {} });
    await s.close();
    const bytes = await readFile(path);
    bytes.fill(0xa5, 100, 4096); // page 1 after the header: the sqlite_master b-tree
    await writeFile(path, bytes);
    await expectRejectedUntouched(path, StoreCorruptError, /malformed/);
  });

  it('rejects a newer schema version and leaves the file untouched', async () => {
    const path = join(await dirs.make(), 'runs.db');
    await rawDb(path, 'PRAGMA application_id = 1330725204; PRAGMA user_version = 99; CREATE TABLE runs (id TEXT)');
    await expectRejectedUntouched(
      path,
      StoreSchemaTooNewError,
      /has schema version 99 but this OQAT supports up to 1; it was left untouched, upgrade OQAT/,
    );
  });

  it("rejects another application's SQLite database", async () => {
    const path = join(await dirs.make(), 'other.db');
    await rawDb(path, 'CREATE TABLE photos (id INTEGER)');
    await expectRejectedUntouched(path, StoreCorruptError, /without the OQAT application id/);
  });

  it('treats an empty file as a new store', async () => {
    const path = join(await dirs.make(), 'runs.db');
    await writeFile(path, '');
    const s = await openRunStore({ path });
    expect(s.schemaVersion).toBe(1);
    await s.close();
  });

  it('is not confused by the sqlite3 driver default export', () => {
    expect(typeof sqlite3.Database).toBe('function');
  });
});
