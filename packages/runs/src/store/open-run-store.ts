import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { OqatError } from '@oqat/core';
import {
  StoreCorruptError, StoreDamagedError, StoreReadOnlyError, StoreSchemaTooNewError, StoreUnreachableError,
} from '../errors.ts';
import { EventBus } from '../events/event-bus.ts';
import {
  DEFAULT_MIGRATIONS_DIR, type Migration, STORE_APPLICATION_ID, applyMigrations, loadMigrations,
  readSchemaVersion,
} from './migrations.ts';
import { RunStore } from './run-store.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import { retryWhileBusy, WriteQueue } from './write-queue.ts';

export interface RunStoreOptions {
  /** Database file; default `$OQAT_DB`, then `<cwd>/.oqat/runs.db`. Relative paths resolve against `cwd`. */
  readonly path?: string;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long a write waits for another process's lock before StoreBusyError (default 30 000). */
  readonly busyTimeoutMs?: number;
  /** An active run whose heartbeat is older than this is interrupted (default 15 000). */
  readonly staleAfterMs?: number;
  /** Most queued writes committed in one transaction (default 256). */
  readonly maxOpsPerTransaction?: number;
  readonly now?: () => number;
  /** Folder of `NNN-<what>.sql` files; default the package's own migrations. */
  readonly migrationsDir?: string;
  /**
   * Read only (list, show, watch): no write lock is ever taken, so a busy,
   * read-only or not-yet-created store can still be read. Writes reject with
   * StoreReadOnlyError; stale runs are shown as interrupted without being marked.
   */
  readonly readOnly?: boolean;
}

const DEFAULTS = {
  busyTimeoutMs: 30_000,
  staleAfterMs: 15_000,
  maxOpsPerTransaction: 256,
} as const;

/** Where the store lives: option, then `$OQAT_DB`, then `./.oqat/runs.db`. */
export function resolveStorePath(options: Pick<RunStoreOptions, 'path' | 'cwd' | 'env'> = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const chosen = options.path ?? (env.OQAT_DB ? env.OQAT_DB : join('.oqat', 'runs.db'));
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/**
 * Opens (creating if needed) a run store. An existing file is first inspected
 * through a read-only connection, so a corrupt file, a foreign database or a
 * newer schema is rejected with a one-line error before anything writes to it.
 * Then: WAL, busy timeout, pending migrations, and a sweep of stale runs.
 */
export async function openRunStore(options: RunStoreOptions = {}): Promise<RunStore> {
  const path = resolveStorePath(options);
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULTS.busyTimeoutMs;
  const migrations = await loadMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const exists = await inspectExisting(path, migrations, busyTimeoutMs);
  if (options.readOnly) return openReadOnly(path, exists, migrations, busyTimeoutMs, options);
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw folderError(path, err);
  }

  const writer = await SqliteConnection.open(path, 'readwrite');
  let reader: SqliteConnection | undefined;
  try {
    writer.setBusyTimeout(busyTimeoutMs);
    // Two processes creating the store at once: one may get BUSY at once while the other switches it to WAL.
    await retryWhileBusy(path, busyTimeoutMs, () => writer.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON'));
    const queue = new WriteQueue(writer, {
      busyWaitMs: busyTimeoutMs,
      maxOpsPerTransaction: options.maxOpsPerTransaction ?? DEFAULTS.maxOpsPerTransaction,
    });
    await applyMigrations(queue, migrations);
    reader = await SqliteConnection.open(path, 'readwrite');
    reader.setBusyTimeout(busyTimeoutMs);
    await reader.exec('PRAGMA foreign_keys = ON; PRAGMA query_only = ON');
    const store = new RunStore({
      path,
      schemaVersion: await readSchemaVersion(reader),
      writer,
      reader,
      queue,
      bus: new EventBus(),
      now: options.now ?? Date.now,
      staleAfterMs: options.staleAfterMs ?? DEFAULTS.staleAfterMs,
    });
    await store.sweepStale();
    return store;
  } catch (err) {
    await reader?.close().catch(() => undefined);
    await writer.close().catch(() => undefined);
    throw err;
  }
}

/**
 * A store that only reads: one `readonly` connection (or an immutable read of
 * the main file when the folder allows no -shm beside it and no -wal exists);
 * a store that does not exist yet reads as an empty one held in memory.
 */
async function openReadOnly(
  path: string, exists: boolean, migrations: readonly Migration[], busyTimeoutMs: number, options: RunStoreOptions,
): Promise<RunStore> {
  let conn: SqliteConnection;
  if (!exists) {
    conn = await SqliteConnection.open(':memory:', 'readwrite');
    const queue = new WriteQueue(conn, { busyWaitMs: busyTimeoutMs, maxOpsPerTransaction: 1 });
    await applyMigrations(queue, migrations);
  } else {
    try {
      conn = await SqliteConnection.open(path, 'readonly');
      // Opening is lazy: the first read is what needs the -shm file.
      await conn.get('SELECT COUNT(*) AS n FROM sqlite_master');
    } catch (err) {
      if (!(err instanceof StoreUnreachableError) || existsSync(`${path}-wal`)) throw err;
      conn = await SqliteConnection.open(path, 'readonly-immutable');
    }
  }
  conn.setBusyTimeout(busyTimeoutMs);
  await conn.exec('PRAGMA query_only = ON');
  const schemaVersion = await readSchemaVersion(conn);
  if (schemaVersion < migrations.length) {
    // an older schema is upgraded once, which takes the write lock; later reads need none
    await conn.close();
    return openRunStore({ ...options, readOnly: false });
  }
  return new RunStore({
    path,
    schemaVersion,
    writer: conn,
    reader: conn,
    queue: new WriteQueue(conn, { busyWaitMs: busyTimeoutMs, maxOpsPerTransaction: 1 }),
    bus: new EventBus(),
    now: options.now ?? Date.now,
    staleAfterMs: options.staleAfterMs ?? DEFAULTS.staleAfterMs,
    readOnly: true,
  });
}

/** A file-system error on the store's path or folder, as the store's one-line error. */
function folderError(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOTDIR: 'a part of its path is a file, not a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ELOOP: 'too many symbolic links in its path',
    ENAMETOOLONG: 'its path is too long',
  };
  if (code === 'EROFS') return new StoreReadOnlyError(path, 'read-only file system', { cause: err });
  if (code !== undefined && code in why) return new StoreUnreachableError(path, `${why[code]}, ${code}`, { cause: err });
  return err;
}

/** Read-only checks of an existing file; throws without having written a byte. Returns whether it exists. */
async function inspectExisting(path: string, migrations: readonly Migration[], busyTimeoutMs: number): Promise<boolean> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new StoreCorruptError(path, 'not a regular file');
    size = info.size;
  } catch (err) {
    if (err instanceof OqatError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw folderError(path, err);
  }
  if (size === 0) return true;

  // Without a -wal file nobody has the store open in WAL mode and the main file is
  // the whole database: read it immutably so a rejected file gets no -wal/-shm beside it.
  // Immutable reads ignore locks, so a store another process is creating right now can
  // look half-made: a rejection stands only if it repeats over a few hundred ms.
  const mode = existsSync(`${path}-wal`) ? 'readonly' : 'readonly-immutable';
  for (const waitMs of [50, 150, 300]) {
    try {
      await inspectWith(path, mode, migrations, busyTimeoutMs);
      return true;
    } catch (err) {
      if (!(err instanceof StoreCorruptError)) throw err;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
  await inspectWith(path, mode, migrations, busyTimeoutMs);
  return true;
}

async function inspectWith(path: string, mode: 'readonly' | 'readonly-immutable', migrations: readonly Migration[], busyTimeoutMs: number): Promise<void> {
  let conn: SqliteConnection | undefined;
  try {
    conn = await SqliteConnection.open(path, mode);
    conn.setBusyTimeout(busyTimeoutMs);
    const appId = (await conn.get<{ application_id: number }>('PRAGMA application_id'))?.application_id ?? 0;
    const version = await readSchemaVersion(conn);
    const tables = (await conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM sqlite_master'))?.n ?? 0;
    if (appId !== 0 && appId !== STORE_APPLICATION_ID) {
      throw new StoreCorruptError(path, `SQLite database of another application (application_id ${appId})`);
    }
    if (appId === 0 && tables > 0) {
      throw new StoreCorruptError(path, 'SQLite database without the OQAT application id');
    }
    if (version > migrations.length) throw new StoreSchemaTooNewError(path, version, migrations.length);
  } catch (err) {
    // A damaged or foreign file is refused as not a store; the environment's errors pass as they are.
    if (err instanceof StoreDamagedError) throw new StoreCorruptError(path, firstLine(err.cause));
    if (err instanceof OqatError) throw err;
    throw new StoreCorruptError(path, firstLine(err));
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}
