import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationFileError, StoreSchemaTooNewError } from '../errors.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { WriteQueue } from './write-queue.ts';

/** `PRAGMA application_id` of an OQAT run store: 'OQAT' in ASCII. */
export const STORE_APPLICATION_ID = 0x4f514154;

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  readonly version: number;
  readonly file: string;
  readonly sql: string;
}

const MIGRATION_FILE = /^(\d{3})-[a-z0-9-]+\.sql$/;

/** Reads `NNN-<what>.sql` files; versions must run 1, 2, 3… without gaps. */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const [i, file] of files.entries()) {
    const match = MIGRATION_FILE.exec(file);
    const expected = `${String(i + 1).padStart(3, '0')}-<what>.sql`;
    if (!match || Number(match[1]) !== i + 1) throw new MigrationFileError(join(dir, file), expected);
    migrations.push({ version: i + 1, file, sql: await readFile(join(dir, file), 'utf8') });
  }
  return migrations;
}

export async function readSchemaVersion(conn: SqliteConnection): Promise<number> {
  const row = await conn.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

/**
 * Applies the migrations newer than the file's `user_version`, each in its own
 * write transaction. The version is re-read inside the transaction, so two
 * processes opening a fresh file at once apply every migration exactly once.
 */
export async function applyMigrations(
  queue: WriteQueue,
  migrations: readonly Migration[],
): Promise<number> {
  // Re-checked under the write lock: a newer OQAT may have migrated since the read-only inspection.
  await queue.enqueue(async (conn) => {
    const found = await readSchemaVersion(conn);
    if (found > migrations.length) throw new StoreSchemaTooNewError(conn.path, found, migrations.length);
  });
  for (const m of migrations) {
    await queue.enqueue(async (conn) => {
      if ((await readSchemaVersion(conn)) >= m.version) return;
      if (m.version === 1) await conn.exec(`PRAGMA application_id = ${STORE_APPLICATION_ID}`);
      await conn.exec(m.sql);
      await conn.exec(`PRAGMA user_version = ${m.version}`);
    });
  }
  return migrations.length;
}
