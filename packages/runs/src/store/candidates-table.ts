import type { CandidateFilter, CandidateRecord, NewCandidate } from './records.ts';
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

/** Call inside a write transaction; returns the new rows' ids in order. */
export async function insertCandidates(
  conn: SqliteConnection,
  runId: string,
  candidates: readonly NewCandidate[],
  now: number,
): Promise<number[]> {
  const ids: number[] = [];
  for (const c of candidates) {
    const { lastId } = await conn.run(
      'INSERT INTO candidates (run_id, device, spec, metrics, on_front, at) VALUES (?, ?, ?, ?, ?, ?)',
      [runId, c.device, JSON.stringify(c.spec), JSON.stringify(c.metrics), c.onFront ? 1 : 0, now],
    );
    ids.push(lastId);
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
  const rows = await conn.all<CandidateRow>(
    `SELECT * FROM candidates WHERE ${where.join(' AND ')} ORDER BY id`,
    params,
  );
  return rows.map(toRecord);
}
