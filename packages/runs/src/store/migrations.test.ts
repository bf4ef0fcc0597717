import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/temp-dir.ts';
import { MigrationFileError } from '../errors.ts';
import { DEFAULT_MIGRATIONS_DIR, loadMigrations } from './migrations.ts';
import { openRunStore } from './open-run-store.ts';
import { SqliteConnection } from './sqlite-connection.ts';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('migrations', () => {
  it('ships 001-initial-schema.sql as version 1', async () => {
    const ms = await loadMigrations(DEFAULT_MIGRATIONS_DIR);
    expect(ms.map((m) => [m.version, m.file])).toEqual([[1, '001-initial-schema.sql']]);
  });

  it('upgrades an existing v1 store to v2 and keeps its rows', async () => {
    const dir = await dirs.make();
    const v2 = join(dir, 'migrations');
    await mkdir(v2);
    await copyFile(join(DEFAULT_MIGRATIONS_DIR, '001-initial-schema.sql'), join(v2, '001-initial-schema.sql'));
    await writeFile(join(v2, '002-run-notes.sql'), "ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';");
    const path = join(dir, 'runs.db');

    const old = await openRunStore({ path });
    const run = await old.createRun({ kind: 'train', config: { a: 1 } });
    await old.close();

    const upgraded = await openRunStore({ path, migrationsDir: v2 });
    expect(upgraded.schemaVersion).toBe(2);
    expect((await upgraded.getRun(run.id)).config).toEqual({ a: 1 });
    await upgraded.close();
    const c = await SqliteConnection.open(path, 'readonly');
    expect(await c.get('SELECT notes FROM runs')).toEqual({ notes: '' });
    await c.close();

    // and the v1 code now refuses the v2 file
    await expect(openRunStore({ path })).rejects.toThrow('schema version 2 but this OQAT supports up to 1');
  });

  it('two processes opening a fresh file at once apply each migration once', async () => {
    const path = join(await dirs.make(), 'runs.db');
    const [a, b] = await Promise.all([openRunStore({ path }), openRunStore({ path })]);
    expect([a.schemaVersion, b.schemaVersion]).toEqual([1, 1]);
    await a.close();
    await b.close();
  });

  it('refuses misnamed or gapped migration files', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, '001-a.sql'), '');
    await writeFile(join(dir, '003-c.sql'), '');
    await expect(loadMigrations(dir)).rejects.toThrow(MigrationFileError);
    await expect(loadMigrations(dir)).rejects.toThrow('003-c.sql is misnamed or out of order, expected 002-<what>.sql');
  });
});
