import type {
  CandidateAxes, CandidateDeviceCount, CandidateFilter, CandidatePointColumns, CandidateRecord, NewCandidate,
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

/** Numbers of a `group_concat` (SQLite hands back one string instead of a row object per candidate). */
function numbers(text: SqlValue | undefined): number[] {
  if (typeof text !== 'string' || text === '') return [];
  return text.split(',').map(Number);
}

/** x/y text of one row: full precision, or `digits` significant digits (a chart needs no more, and a third of the bytes). */
function valueText(column: string, digits = 17): string {
  return `printf('%.${Math.max(1, Math.min(17, Math.floor(digits)))}g', ${column})`;
}

/** One page of a device's candidates as columns, in id order. */
export async function selectCandidatePoints(
  conn: SqliteConnection,
  runId: string,
  device: string,
  axes: CandidateAxes,
  page: { afterId: number; limit: number; digits?: number },
): Promise<CandidatePointColumns> {
  const a = axesSql(axes);
  const row = await conn.get(
    `SELECT group_concat(id, ',' ORDER BY id) AS ids, group_concat(${valueText('x', page.digits)}, ',' ORDER BY id) AS x,
            group_concat(${valueText('y', page.digits)}, ',' ORDER BY id) AS y
       FROM (SELECT id, ${a.select} FROM candidates WHERE run_id = ? AND device = ? AND id > ? ORDER BY id LIMIT ?)`,
    [...a.params, runId, device, page.afterId, Math.max(0, Math.floor(page.limit))],
  );
  return { ids: numbers(row?.ids), x: numbers(row?.x), y: numbers(row?.y) };
}

/** Per device (or one device), from the (run_id, device) index alone: count and highest id. No row is read. */
export async function selectCandidateCounts(conn: SqliteConnection, runId: string, device?: string): Promise<CandidateDeviceCount[]> {
  const rows = await conn.all<{ device: string; n: number; max_id: number }>(
    `SELECT device, COUNT(*) AS n, MAX(id) AS max_id FROM candidates WHERE run_id = ?${device === undefined ? '' : ' AND device = ?'}
       GROUP BY device ORDER BY MIN(id)`,
    device === undefined ? [runId] : [runId, device],
  );
  return rows.map((g) => ({ device: g.device, count: g.n, maxId: g.max_id }));
}

/** The ids flagged on the front (`onFront`), per device, in id order. */
export async function selectFrontIds(conn: SqliteConnection, runId: string): Promise<Map<string, number[]>> {
  const rows = await conn.all<{ device: string; ids: string }>(
    "SELECT device, group_concat(id, ',' ORDER BY id) AS ids FROM candidates WHERE run_id = ? AND on_front = 1 GROUP BY device",
    [runId],
  );
  return new Map(rows.map((r) => [r.device, numbers(r.ids)]));
}
