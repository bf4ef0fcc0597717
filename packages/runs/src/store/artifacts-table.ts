import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ArtifactRecord, NewArtifact } from './records.ts';
import type { SqliteConnection, SqlValue } from './sqlite-connection.ts';

export interface FileDigest {
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** Size and SHA-256 of a file, streamed (artifacts can be large). */
export async function digestFile(path: string): Promise<FileDigest> {
  const absolute = resolve(path);
  const { size } = await stat(absolute);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absolute)) hash.update(chunk as Buffer);
  return { path: absolute, sizeBytes: size, sha256: hash.digest('hex') };
}

interface ArtifactRow {
  [key: string]: SqlValue;
  id: number;
  run_id: string;
  kind: string;
  path: string;
  size_bytes: number;
  sha256: string;
  at: number;
}

function toRecord(row: ArtifactRow): ArtifactRecord {
  return {
    id: row.id,
    runId: row.run_id,
    kind: row.kind,
    path: row.path,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    at: row.at,
  };
}

export async function insertArtifact(
  conn: SqliteConnection,
  runId: string,
  artifact: NewArtifact,
  digest: FileDigest,
  now: number,
): Promise<ArtifactRecord> {
  const { lastId } = await conn.run(
    'INSERT INTO artifacts (run_id, kind, path, size_bytes, sha256, at) VALUES (?, ?, ?, ?, ?, ?)',
    [runId, artifact.kind, digest.path, digest.sizeBytes, digest.sha256, now],
  );
  return { id: lastId, runId, kind: artifact.kind, path: digest.path, sizeBytes: digest.sizeBytes, sha256: digest.sha256, at: now };
}

export async function selectArtifacts(conn: SqliteConnection, runId: string): Promise<ArtifactRecord[]> {
  const rows = await conn.all<ArtifactRow>('SELECT * FROM artifacts WHERE run_id = ? ORDER BY id', [runId]);
  return rows.map(toRecord);
}
