import { randomBytes } from 'node:crypto';
import { InvalidRunTransitionError, RunNotFoundError } from '../errors.ts';
import type { JobRef, NewRun, RunFilter, RunRecord, RunStatus } from './records.ts';
import type { SqliteConnection, SqlValue } from './sqlite-connection.ts';

/** The lifecycle: which status may follow which. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'failed', 'interrupted'],
  running: ['finished', 'failed', 'cancelled', 'interrupted'],
  finished: [],
  failed: ['queued'],
  cancelled: ['queued'],
  interrupted: ['queued'],
};

export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running'];
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['interrupted', 'cancelled', 'failed'];

interface RunRow {
  [key: string]: SqlValue;
  id: string;
  kind: string;
  status: string;
  config: string;
  seed: number | null;
  job: string | null;
  result: string | null;
  error: string | null;
  attempt: number;
  pid: number | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  heartbeat_at: number | null;
}

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status as RunStatus,
    config: JSON.parse(row.config) as unknown,
    seed: row.seed,
    job: row.job === null ? null : (JSON.parse(row.job) as JobRef),
    result: row.result === null ? undefined : (JSON.parse(row.result) as unknown),
    error: row.error,
    attempt: row.attempt,
    pid: row.pid,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    heartbeatAt: row.heartbeat_at,
  };
}

/** A sortable, readable id: `20250101-120000-a1b2c3`. */
export function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function insertRun(conn: SqliteConnection, run: NewRun, now: number): Promise<RunRecord> {
  const id = run.id ?? newRunId(now);
  await conn.run(
    `INSERT INTO runs (id, kind, status, config, seed, job, created_at, heartbeat_at)
     VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)`,
    [id, run.kind, JSON.stringify(run.config ?? null), run.seed ?? null, run.job ? JSON.stringify(run.job) : null, now, now],
  );
  return requireRun(conn, id);
}

export async function findRun(conn: SqliteConnection, runId: string): Promise<RunRecord | undefined> {
  const row = await conn.get<RunRow>('SELECT * FROM runs WHERE id = ?', [runId]);
  return row ? toRecord(row) : undefined;
}

export async function requireRun(conn: SqliteConnection, runId: string): Promise<RunRecord> {
  const run = await findRun(conn, runId);
  if (!run) throw new RunNotFoundError(runId);
  return run;
}

export async function selectRuns(conn: SqliteConnection, filter: RunFilter): Promise<RunRecord[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.kind !== undefined) {
    where.push('kind = ?');
    params.push(filter.kind);
  }
  if (filter.status !== undefined) {
    where.push('status = ?');
    params.push(filter.status);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const rows = await conn.all<RunRow>(
    `SELECT * FROM runs ${clause} ORDER BY created_at DESC, id DESC LIMIT ?`,
    [...params, filter.limit ?? 100],
  );
  return rows.map(toRecord);
}

/** Column changes that go with a move into a status. */
export interface TransitionFields {
  readonly pid?: number | null;
  readonly result?: unknown;
  readonly error?: string | null;
}

/** Checks the lifecycle table, then moves the run; call inside a write transaction. */
export async function transitionRun(
  conn: SqliteConnection,
  runId: string,
  to: RunStatus,
  now: number,
  fields: TransitionFields = {},
): Promise<RunRecord> {
  const run = await requireRun(conn, runId);
  const allowed = RUN_TRANSITIONS[run.status];
  if (!allowed.includes(to)) throw new InvalidRunTransitionError(runId, run.status, to, allowed);
  const sets: string[] = ['status = ?'];
  const params: SqlValue[] = [to];
  const set = (column: string, value: SqlValue): void => {
    sets.push(`${column} = ?`);
    params.push(value);
  };
  if (to === 'queued') {
    set('attempt', run.attempt + 1);
    set('error', null);
    set('result', null);
    set('started_at', null);
    set('ended_at', null);
    set('heartbeat_at', now);
  } else if (to === 'running') {
    set('started_at', now);
    set('heartbeat_at', now);
    set('pid', fields.pid ?? null);
  } else {
    set('ended_at', now);
    if (fields.error !== undefined) set('error', fields.error);
    if (fields.result !== undefined) set('result', JSON.stringify(fields.result));
  }
  await conn.run(`UPDATE runs SET ${sets.join(', ')} WHERE id = ? AND status = ?`, [
    ...params,
    runId,
    run.status,
  ]);
  return requireRun(conn, runId);
}

export async function touchHeartbeat(conn: SqliteConnection, runId: string, now: number): Promise<void> {
  await conn.run(
    `UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status IN ('queued', 'running')`,
    [now, runId],
  );
}

/** Ids of active runs whose heartbeat is older than `staleBefore`. */
/**
 * Active runs that are gone: a heartbeat older than `staleBefore`, or a
 * worker process that no longer exists. SQLite's WAL mode needs every
 * process on one host, so a recorded pid is always one of this host's.
 */
export async function selectStaleRunIds(conn: SqliteConnection, staleBefore: number, isAlive: (pid: number) => boolean): Promise<string[]> {
  const rows = await conn.all<{ id: string; pid: number | null; heartbeat_at: number | null }>(
    `SELECT id, pid, heartbeat_at FROM runs WHERE status IN ('queued', 'running') ORDER BY id`,
  );
  return rows.filter((r) => (r.heartbeat_at !== null && r.heartbeat_at < staleBefore) || (r.pid !== null && !isAlive(r.pid))).map((r) => r.id);
}

/** Whether a process with this pid exists on this host (signal 0 only checks). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function deleteRunRow(conn: SqliteConnection, runId: string): Promise<void> {
  await conn.run('DELETE FROM runs WHERE id = ?', [runId]);
}
