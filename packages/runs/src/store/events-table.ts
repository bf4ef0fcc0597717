import type { RunEvent, RunEventBody } from '../events/run-event.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

interface EventRow {
  [key: string]: string | number;
  run_id: string;
  seq: number;
  kind: string;
  at: number;
  body: string;
}

function toEvent(row: EventRow): RunEvent {
  const body = JSON.parse(row.body) as Record<string, unknown>;
  return { ...body, kind: row.kind, runId: row.run_id, seq: row.seq, at: row.at } as RunEvent;
}

/** Appends with the next seq of the run; call inside a write transaction. */
export async function insertEvent(
  conn: SqliteConnection,
  runId: string,
  body: RunEventBody,
  now: number,
): Promise<RunEvent> {
  const { kind, ...rest } = body;
  const row = await conn.get<{ seq: number }>(
    `INSERT INTO events (run_id, seq, kind, at, body)
     SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM events WHERE run_id = ?
     RETURNING seq`,
    [runId, kind, now, JSON.stringify(rest), runId],
  );
  if (!row) throw new Error(`insertEvent: no seq returned for run ${runId}`);
  return { ...body, runId, seq: row.seq, at: now } as RunEvent;
}

export async function selectEvents(
  conn: SqliteConnection,
  runId: string,
  afterSeq: number,
  limit: number,
): Promise<RunEvent[]> {
  const rows = await conn.all<EventRow>(
    'SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    [runId, afterSeq, limit],
  );
  return rows.map(toEvent);
}
