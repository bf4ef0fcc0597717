import { pathToFileURL } from 'node:url';
import sqlite3 from 'sqlite3';
import { StoreDamagedError, StoreIoError, StoreReadOnlyError, StoreUnreachableError } from '../errors.ts';

export type SqlValue = string | number | null;
export type SqlRow = Record<string, SqlValue>;

/** Bound parameters per statement; SQLite's default limit is 32766. */
const MAX_PARAMS = 30_000;

/**
 * `readonly-immutable` reads the main file alone (SQLite URI `immutable=1`): no
 * locks, no -wal/-shm files created. Only valid when no -wal file exists.
 */
export type OpenMode = 'readonly' | 'readonly-immutable' | 'readwrite';

/** Errors thrown by the sqlite3 driver carry the SQLite result code name. */
export function sqliteCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/**
 * What the environment did to the file, as the store's one-line error (the
 * driver's error kept as its cause); anything else (BUSY, CONSTRAINT, a bad
 * statement) is returned as it came, for the caller to handle or report as a bug.
 */
export function environmentError(err: unknown, path: string): unknown {
  const code = sqliteCode(err);
  const detail = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  switch (code) {
    case 'SQLITE_READONLY':
      return new StoreReadOnlyError(path, detail, { cause: err });
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return new StoreUnreachableError(path, detail, { cause: err });
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new StoreDamagedError(path, detail, { cause: err });
    case 'SQLITE_FULL':
    case 'SQLITE_IOERR':
      return new StoreIoError(path, detail, { cause: err });
    default:
      return err;
  }
}

/**
 * A promise face over one sqlite3 connection. No policy: callers decide what
 * to run; errors the environment causes come out as the store's own (see environmentError).
 */
export class SqliteConnection {
  private constructor(
    private readonly db: sqlite3.Database,
    readonly path: string,
  ) {}

  static open(path: string, mode: OpenMode): Promise<SqliteConnection> {
    const flags =
      mode === 'readwrite'
        ? sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE
        : mode === 'readonly'
          ? sqlite3.OPEN_READONLY
          : sqlite3.OPEN_READONLY | sqlite3.OPEN_URI;
    const name = mode === 'readonly-immutable' ? `${pathToFileURL(path).href}?immutable=1` : path;
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(name, flags, (err) => {
        if (err) reject(environmentError(err, path));
        else resolve(new SqliteConnection(db, path));
      });
    });
  }

  setBusyTimeout(ms: number): void {
    this.db.configure('busyTimeout', ms);
  }

  /** Runs one statement; returns the last row id and the number of changed rows. */
  run(sql: string, params: readonly SqlValue[] = []): Promise<{ lastId: number; changes: number }> {
    const path = this.path;
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(environmentError(err, path));
        else resolve({ lastId: this.lastID, changes: this.changes });
      });
    });
  }

  get<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params, (err: Error | null, row: R | undefined) => {
        if (err) reject(environmentError(err, this.path));
        else resolve(row);
      });
    });
  }

  all<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params, (err: Error | null, rows: R[]) => {
        if (err) reject(environmentError(err, this.path));
        else resolve(rows);
      });
    });
  }

  /** Runs a script of several statements (migrations, BEGIN/COMMIT). */
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (err) => (err ? reject(environmentError(err, this.path)) : resolve()));
    });
  }

  /**
   * Inserts many rows with multi-row VALUES statements (one driver round trip per
   * chunk instead of per row); call it inside a transaction.
   */
  async insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
  ): Promise<void> {
    const perChunk = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    const tuple = `(${columns.map(() => '?').join(',')})`;
    for (let i = 0; i < rows.length; i += perChunk) {
      const chunk = rows.slice(i, i + perChunk);
      const sql = `INSERT INTO ${table} (${columns.join(',')}) VALUES ${chunk.map(() => tuple).join(',')}`;
      await this.run(sql, chunk.flat());
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.close((err) => (err ? reject(err) : resolve()));
    });
  }
}
