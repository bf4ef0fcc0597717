import type {
  CandidateAxes, CandidateDeviceStats, CandidateFilter, CandidatePointColumns, CandidateRecord, NewCandidate,
} from './records.ts';
import type { SqliteConnection, SqlValue } from './sqlite-connection.ts';

interface CandidateRow {
  [key: string]: SqlValue;
  id: number;
  run_id: string;
  device: string;
  spec: string;
  metrics: string;
  on_front: number;
  at: number;
}

function toRecord(row: CandidateRow): CandidateRecord {
  return {
    id: row.id,
    runId: row.run_id,
    device: row.device,
    spec: JSON.parse(row.spec) as unknown,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    onFront: row.on_front === 1,
    at: row.at,
  };
}

/** Rows per multi-row INSERT (6 parameters each, under SQLite's 32766). */
const INSERT_CHUNK = 5_000;

/** Call inside a write transaction; returns the new rows' ids in order. */
export async function insertCandidates(
  conn: SqliteConnection,
  runId: string,
  candidates: readonly NewCandidate[],
  now: number,
): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < candidates.length; start += INSERT_CHUNK) {
    const chunk = candidates.slice(start, start + INSERT_CHUNK);
    const params: SqlValue[] = [];
    for (const c of chunk) params.push(runId, c.device, JSON.stringify(c.spec), JSON.stringify(c.metrics), c.onFront ? 1 : 0, now);
    const { lastId } = await conn.run(
      `INSERT INTO candidates (run_id, device, spec, metrics, on_front, at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(',')}`,
      params,
    );
    // One statement under the write lock: its rows take consecutive rowids ending at lastId.
    for (let i = 0; i < chunk.length; i++) ids.push(lastId - chunk.length + 1 + i);
  }
  return ids;
}

/** Sets `onFront` for exactly `ids` among the run's candidates on `device`. */
export async function updateFront(
  conn: SqliteConnection,
  runId: string,
  device: string,
  ids: readonly number[],
): Promise<void> {
  await conn.run('UPDATE candidates SET on_front = 0 WHERE run_id = ? AND device = ?', [runId, device]);
  if (ids.length === 0) return;
  await conn.run(
    `UPDATE candidates SET on_front = 1 WHERE run_id = ? AND device = ? AND id IN (${ids.map(() => '?').join(',')})`,
    [runId, device, ...ids],
  );
}

export async function selectCandidates(
  conn: SqliteConnection,
  runId: string,
  filter: CandidateFilter,
): Promise<CandidateRecord[]> {
  const where = ['run_id = ?'];
  const params: SqlValue[] = [runId];
  if (filter.device !== undefined) {
    where.push('device = ?');
    params.push(filter.device);
  }
  if (filter.onFrontOnly) where.push('on_front = 1');
  if (filter.afterId !== undefined) {
    where.push('id > ?');
    params.push(filter.afterId);
  }
  const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
  const rows = await conn.all<CandidateRow>(
    `SELECT * FROM candidates WHERE ${where.join(' AND ')} ORDER BY id${limit}`,
    params,
  );
  return rows.map(toRecord);
}

export async function selectCandidate(conn: SqliteConnection, runId: string, id: number): Promise<CandidateRecord | undefined> {
  const row = await conn.get<CandidateRow>('SELECT * FROM candidates WHERE run_id = ? AND id = ?', [runId, id]);
  return row ? toRecord(row) : undefined;
}

/** The JSON path of one metric (names are the job's keys, e.g. `latencyMs`, `latency:cpu`). */
function metricPath(name: string): string {
  if (!/^[\w:.-]+$/.test(name)) throw new RangeError(`candidate metric name ${JSON.stringify(name)}: letters, digits, _ : . - only`);
  return `$."${name}"`;
}

/** x and y of each candidate, read from its metrics JSON by SQLite (no row object per candidate leaves the store's reader but these). */
function axesSql(axes: CandidateAxes): { select: string; params: SqlValue[] } {
  return {
    select: 'COALESCE(json_extract(metrics, ?), 0) AS x, COALESCE(json_extract(metrics, ?), 0) AS y',
    params: [metricPath(axes.x), metricPath(axes.y)],
  };
}

/** One page of a device's candidates as columns, in id order. */
export async function selectCandidatePoints(
  conn: SqliteConnection,
  runId: string,
  device: string,
  axes: CandidateAxes,
  afterId: number,
  limit: number,
): Promise<CandidatePointColumns> {
  const a = axesSql(axes);
  const rows = await conn.all<{ id: number; x: number; y: number }>(
    `SELECT id, ${a.select} FROM candidates WHERE run_id = ? AND device = ? AND id > ? ORDER BY id LIMIT ?`,
    [...a.params, runId, device, afterId, Math.max(0, Math.floor(limit))],
  );
  return columns(rows);
}

function columns(rows: ReadonlyArray<{ id: number; x: number; y: number }>): CandidatePointColumns {
  const ids = new Array<number>(rows.length);
  const x = new Array<number>(rows.length);
  const y = new Array<number>(rows.length);
  rows.forEach((r, i) => {
    ids[i] = r.id;
    x[i] = r.x;
    y[i] = r.y;
  });
  return { ids, x, y };
}

/**
 * Per device: count, ranges, the ids flagged on the front, and the staircase
 * (computed by SQLite with a window function, so no candidate list is built).
 */
export async function selectCandidateStats(
  conn: SqliteConnection,
  runId: string,
  axes: CandidateAxes,
): Promise<CandidateDeviceStats[]> {
  const a = axesSql(axes);
  const groups = await conn.all<{ device: string; n: number; max_id: number; x0: number; x1: number; y0: number; y1: number }>(
    `SELECT device, COUNT(*) AS n, MAX(id) AS max_id, MIN(x) AS x0, MAX(x) AS x1, MIN(y) AS y0, MAX(y) AS y1
       FROM (SELECT id, device, ${a.select} FROM candidates WHERE run_id = ?) GROUP BY device ORDER BY MIN(id)`,
    [...a.params, runId],
  );
  const stats: CandidateDeviceStats[] = [];
  for (const g of groups) {
    const steps = await conn.all<{ id: number; x: number; y: number }>(
      `SELECT id, x, y FROM (
         SELECT id, x, y, MAX(y) OVER (ORDER BY x, y DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best
           FROM (SELECT id, ${a.select} FROM candidates WHERE run_id = ? AND device = ?))
       WHERE best IS NULL OR y > best ORDER BY x, y DESC, id`,
      [...a.params, runId, g.device],
    );
    const front = await conn.all<{ id: number }>(
      'SELECT id FROM candidates WHERE run_id = ? AND device = ? AND on_front = 1 ORDER BY id',
      [runId, g.device],
    );
    stats.push({
      device: g.device, count: g.n, maxId: g.max_id, x: [g.x0, g.x1], y: [g.y0, g.y1],
      frontIds: front.map((r) => r.id), staircase: columns(steps),
    });
  }
  return stats;
}
