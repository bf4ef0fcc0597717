import { resolve } from 'node:path';
import type { CheckpointRecord, NewCheckpoint } from './records.ts';
import type { SqliteConnection, SqlValue } from './sqlite-connection.ts';

interface CheckpointRow {
  [key: string]: SqlValue;
  id: number;
  run_id: string;
  path: string;
  phase: string;
  step: number;
  at: number;
}

function toRecord(row: CheckpointRow): CheckpointRecord {
  return { id: row.id, runId: row.run_id, path: row.path, step: row.step, phase: row.phase, at: row.at };
}

export async function insertCheckpoint(
  conn: SqliteConnection,
  runId: string,
  checkpoint: NewCheckpoint,
  now: number,
): Promise<CheckpointRecord> {
  const path = resolve(checkpoint.path);
  const phase = checkpoint.phase ?? '';
  const { lastId } = await conn.run(
    'INSERT INTO checkpoints (run_id, path, phase, step, at) VALUES (?, ?, ?, ?, ?)',
    [runId, path, phase, checkpoint.step, now],
  );
  return { id: lastId, runId, path, step: checkpoint.step, phase, at: now };
}

export async function selectCheckpoints(conn: SqliteConnection, runId: string): Promise<CheckpointRecord[]> {
  const rows = await conn.all<CheckpointRow>('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY id', [runId]);
  return rows.map(toRecord);
}

/** The most recently recorded checkpoint (by insertion, not by step). */
export async function selectLastCheckpoint(
  conn: SqliteConnection,
  runId: string,
): Promise<CheckpointRecord | undefined> {
  const row = await conn.get<CheckpointRow>(
    'SELECT * FROM checkpoints WHERE run_id = ? ORDER BY id DESC LIMIT 1',
    [runId],
  );
  return row ? toRecord(row) : undefined;
}
