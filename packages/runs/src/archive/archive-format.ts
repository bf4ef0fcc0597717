import type { SqlValue } from '../store/sqlite-connection.ts';

/**
 * A run archive (`.oqatrun`): a ustar tar whose entries come in this order:
 *
 *   oqat-archive.json   ArchiveHeader: format name and version (read first, so an unknown version is refused at once)
 *   files/000001 ...    the runs' files (checkpoints, exports, everything in their run folders), byte for byte
 *   records.ndjson      the runs' rows, one JSON array per line: [table, ...columns in RECORD_COLUMNS order]
 *   manifest.json       ArchiveManifest: the runs, each file's original path, size and SHA-256, the records' SHA-256
 *   archive.sha256      the SHA-256 of every archive byte before this entry (a cut or damaged archive fails it)
 *
 * Version 1 holds the rows of store schema 1 (migrations/001-initial-schema.sql).
 */
export const ARCHIVE_FORMAT = 'oqat-runs-archive';
export const ARCHIVE_VERSION = 1;

export const ENTRY = {
  header: 'oqat-archive.json',
  records: 'records.ndjson',
  manifest: 'manifest.json',
  checksum: 'archive.sha256',
} as const;

export const fileEntryName = (index: number): string => `files/${String(index + 1).padStart(6, '0')}`;
export const FILE_ENTRY = /^files\/\d{6}$/;

export interface ArchiveHeader {
  readonly format: typeof ARCHIVE_FORMAT;
  readonly version: number;
  /** the exporting store's schema version */
  readonly storeSchema: number;
  readonly createdAt: number;
}

export interface ArchivedRun {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  /** named on the export's command line (false: added by --with-sources) */
  readonly requested: boolean;
  /** ids of other runs its config names (a search's training run, an export's search) */
  readonly links: readonly string[];
}

export interface ArchivedFile {
  readonly entry: string;
  /** absolute path in the exporting store's file system */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** the archived runs that name it (rows) or hold it (run folder), first the one it belongs to */
  readonly runs: readonly string[];
}

export interface ArchiveManifest {
  readonly format: typeof ARCHIVE_FORMAT;
  readonly version: number;
  /** the exporting store's work folder: paths under it are relocated into the importing store's */
  readonly workDir: string;
  readonly runs: readonly ArchivedRun[];
  readonly files: readonly ArchivedFile[];
  /** files a row names that were gone at export (their rows are kept) */
  readonly missing: ReadonlyArray<{ readonly path: string; readonly runs: readonly string[] }>;
  readonly records: { readonly entry: string; readonly size: number; readonly sha256: string; readonly rows: Readonly<Record<RecordTable, number>> };
}

/** A column's JSON type in a record line; `?`: may be null. */
type ColumnType = 'text' | 'text?' | 'int' | 'int?' | 'real';

/** The archived columns of each table, in line order (row ids other than candidates' are not archived: the importing store numbers them). */
export const RECORD_COLUMNS = {
  runs: {
    id: 'text', kind: 'text', status: 'text', config: 'text', seed: 'int?', job: 'text?', result: 'text?', error: 'text?',
    attempt: 'int', pid: 'int?', created_at: 'int', started_at: 'int?', ended_at: 'int?', heartbeat_at: 'int?',
  },
  events: { run_id: 'text', seq: 'int', kind: 'text', at: 'int', body: 'text' },
  metrics: { run_id: 'text', phase: 'text', step: 'int', name: 'text', value: 'real', at: 'int' },
  candidates: { id: 'int', run_id: 'text', device: 'text', spec: 'text', metrics: 'text', on_front: 'int', at: 'int' },
  artifacts: { run_id: 'text', kind: 'text', path: 'text', size_bytes: 'int', sha256: 'text', at: 'int' },
  checkpoints: { run_id: 'text', path: 'text', phase: 'text', step: 'int', at: 'int' },
} as const satisfies Record<string, Record<string, ColumnType>>;

export type RecordTable = keyof typeof RECORD_COLUMNS;
export const RECORD_TABLES = Object.keys(RECORD_COLUMNS) as RecordTable[];

export const columnsOf = (table: RecordTable): string[] => Object.keys(RECORD_COLUMNS[table]);

function fits(value: unknown, type: ColumnType): boolean {
  if (value === null) return type.endsWith('?');
  if (type.startsWith('text')) return typeof value === 'string';
  if (type.startsWith('int')) return Number.isSafeInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

/** One record line checked against RECORD_COLUMNS: its table and values, or a reason it is not one. */
export function parseRecordLine(line: string): { table: RecordTable; values: SqlValue[] } | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return 'a records line is not JSON';
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || !(parsed[0] in RECORD_COLUMNS)) return 'a records line names no known table';
  const table = parsed[0] as RecordTable;
  const types = Object.values(RECORD_COLUMNS[table]) as ColumnType[];
  const values = parsed.slice(1) as SqlValue[];
  if (values.length !== types.length || values.some((v, i) => !fits(v, types[i]!))) return `a ${table} record has the wrong columns`;
  return { table, values };
}

/** A run id that is also safe as a folder name. */
export const SAFE_RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
