import { setTimeout as sleep } from 'node:timers/promises';
import { StoreBusyError, StoreClosedError } from '../errors.ts';
import { type SqliteConnection, sqliteCode } from './sqlite-connection.ts';

/** A unit of writing; it runs inside a transaction and must not enqueue further writes. */
export type WriteOp<T> = (conn: SqliteConnection) => Promise<T>;

interface Pending {
  readonly op: WriteOp<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

export interface WriteQueueOptions {
  /** How long to keep retrying for the write lock before giving up with StoreBusyError. */
  readonly busyWaitMs: number;
  /** Most operations committed together (bounds how long the lock is held). */
  readonly maxOpsPerTransaction: number;
}

/**
 * The single writer of a store: every write of this process goes through it, in
 * order. Operations waiting together are group-committed in one
 * `BEGIN IMMEDIATE` transaction (the write lock is taken up front, so a busy
 * database is retried at BEGIN and never half-way); each operation runs in its
 * own savepoint so one failing operation does not undo its neighbours. A promise
 * resolves only after its transaction committed.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private draining: Promise<void> = Promise.resolve();
  private running = false;
  private closed = false;

  constructor(
    private readonly conn: SqliteConnection,
    private readonly options: WriteQueueOptions,
  ) {}

  enqueue<T>(op: WriteOp<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError(this.conn.path, 'write'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        // `running` flips back inside drain() in the same tick as its last empty-check,
        // so a write enqueued at any moment is either seen by that loop or starts a new one.
        this.running = true;
        this.draining = this.drain();
      }
    });
  }

  /** Resolves when every write enqueued so far has been committed or rejected. */
  async flush(): Promise<void> {
    while (this.running) await this.draining;
  }

  /** Flushes, then rejects any later write. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.options.maxOpsPerTransaction);
        await this.commitBatch(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    try {
      await this.retryBusy(() => this.conn.exec('BEGIN IMMEDIATE'));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      for (const p of batch) {
        await this.conn.exec('SAVEPOINT op');
        try {
          const value = await p.op(this.conn);
          await this.conn.exec('RELEASE op');
          outcomes.push({ ok: true, value });
        } catch (err) {
          await this.conn.exec('ROLLBACK TO op; RELEASE op');
          outcomes.push({ ok: false, err });
        }
      }
      await this.retryBusy(() => this.conn.exec('COMMIT'));
    } catch (err) {
      await this.conn.exec('ROLLBACK').catch(() => undefined);
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o.ok) p.resolve(o.value);
      else p.reject(o.err);
    });
  }

  private retryBusy(step: () => Promise<void>): Promise<void> {
    return retryWhileBusy(this.conn.path, this.options.busyWaitMs, step);
  }
}

/**
 * Runs `step` again while SQLite answers BUSY, for up to `busyWaitMs`. Its
 * busy handler already waits; this covers the cases where it returns BUSY at
 * once (taking the write lock, switching a fresh file to WAL while another
 * process creates it).
 */
export async function retryWhileBusy(path: string, busyWaitMs: number, step: () => Promise<void>): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await step();
      return;
    } catch (err) {
      if (sqliteCode(err) !== 'SQLITE_BUSY') throw err;
      const waited = Date.now() - started;
      if (waited >= busyWaitMs) throw new StoreBusyError(path, waited);
      await sleep(Math.min(100, 2 ** Math.min(attempt, 7)));
    }
  }
}
