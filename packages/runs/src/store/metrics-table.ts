import type { MetricFilter, MetricPoint, MetricRecord } from './records.ts';
import type { SqliteConnection, SqlValue } from './sqlite-connection.ts';

const COLUMNS = ['run_id', 'phase', 'step', 'name', 'value', 'at'] as const;

/** Inserts a batch of points in multi-row statements; call inside a write transaction. */
export async function insertMetrics(
  conn: SqliteConnection,
  runId: string,
  points: readonly MetricPoint[],
  now: number,
): Promise<void> {
  const rows = points.map((p): SqlValue[] => [runId, p.phase ?? '', p.step, p.name, p.value, now]);
  await conn.insertMany('metrics', COLUMNS, rows);
}

export async function selectMetrics(
  conn: SqliteConnection,
  runId: string,
  filter: MetricFilter,
): Promise<MetricRecord[]> {
  const where = ['run_id = ?'];
  const params: SqlValue[] = [runId];
  if (filter.name !== undefined) {
    where.push('name = ?');
    params.push(filter.name);
  }
  if (filter.phase !== undefined) {
    where.push('phase = ?');
    params.push(filter.phase);
  }
  const rows = await conn.all<{ run_id: string; phase: string; step: number; name: string; value: number; at: number }>(
    `SELECT run_id, phase, step, name, value, at FROM metrics WHERE ${where.join(' AND ')} ORDER BY id`,
    params,
  );
  return rows.map((r) => ({ runId: r.run_id, phase: r.phase, step: r.step, name: r.name, value: r.value, at: r.at }));
}

export async function countMetricRows(conn: SqliteConnection, runId: string): Promise<number> {
  const row = await conn.get<{ n: number }>('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?', [runId]);
  return row?.n ?? 0;
}
