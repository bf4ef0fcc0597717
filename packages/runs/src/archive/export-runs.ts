import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, lstat, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ArchiveIoError, RunActiveError } from '../errors.ts';
import type { RunStore } from '../store/run-store.ts';
import { ACTIVE_STATUSES } from '../store/runs-table.ts';
import type { RunRecord } from '../store/records.ts';
import type { SqlValue } from '../store/sqlite-connection.ts';
import {
  ARCHIVE_FORMAT, ARCHIVE_VERSION, ENTRY, fileEntryName, RECORD_TABLES,
  type ArchiveHeader, type ArchiveManifest, type ArchivedFile, type ArchivedRun, type RecordTable,
} from './archive-format.ts';
import { archiveFsError } from './fs-error.ts';
import { jsonStrings } from './rewrite-paths.ts';
import { TarFileChangedError, TarWriter, USTAR_MAX_SIZE } from './ustar.ts';

export interface ExportRunsOptions {
  readonly runIds: readonly string[];
  /** the archive to write (replaced if it exists; written beside it first, then renamed) */
  readonly out: string;
  /** the store's work folder: each run's folder `<workDir>/<run id>` is archived whole, and paths under it are relocated on import */
  readonly workDir: string;
  /** also archive the runs the runs' configs name (a search's training run, an export's search), and theirs */
  readonly withSources?: boolean;
}

export interface ExportRunsReport {
  readonly out: string;
  readonly bytes: number;
  readonly runs: ReadonlyArray<{ readonly id: string; readonly kind: string; readonly requested: boolean }>;
  readonly files: number;
  readonly fileBytes: number;
  /** links left out of the archive: run `from`'s config names run `runId` (--with-sources adds it) */
  readonly external: ReadonlyArray<{ readonly from: string; readonly runId: string }>;
  /** files a row names that no longer exist (the rows are archived, the files cannot be) */
  readonly missing: readonly string[];
}

/** Rows per read while archiving events and candidates. */
const PAGE = 10_000;

/**
 * Writes `runIds` (ended runs) into one archive: their rows (run, events,
 * metrics, candidates, artifacts, checkpoints), the files their rows name and
 * everything in their run folders; see archive-format.ts. A run's config that
 * names another run of the store is a link: with `withSources` that run is
 * archived too, otherwise the link is listed as external. The archive appears
 * at `out` only once complete.
 */
export async function exportRuns(store: RunStore, options: ExportRunsOptions): Promise<ExportRunsReport> {
  const workDir = resolve(options.workDir);
  const out = resolve(options.out);
  const runs = await collectRuns(store, options.runIds, options.withSources === true);
  const archived = new Set(runs.map((r) => r.record.id));
  const { files, missing } = await collectFiles(store, runs.map((r) => r.record.id), workDir);

  const partial = `${out}.partial-${process.pid}`;
  const recordsTmp = `${out}.records-${process.pid}`;
  try {
    const records = await writeRecords(store, runs.map((r) => r.record), recordsTmp);
    const tar = new TarWriter();
    const header: ArchiveHeader = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, storeSchema: store.schemaVersion, createdAt: Date.now() };
    const archivedFiles: ArchivedFile[] = [];
    const runList = runs.map((r): ArchivedRun => ({ id: r.record.id, kind: r.record.kind, status: r.record.status, requested: r.requested, links: r.links }));
    async function* bytes(): AsyncGenerator<Buffer> {
      yield* tar.buffer(ENTRY.header, Buffer.from(`${JSON.stringify(header)}\n`));
      for (const [i, f] of files.entries()) {
        const entry = fileEntryName(i);
        yield* tar.file(entry, f.path, f.size, (sha256) => archivedFiles.push({ entry, path: f.path, size: f.size, sha256, runs: f.runs }));
      }
      yield* tar.file(ENTRY.records, recordsTmp, records.size, () => undefined);
      const manifest: ArchiveManifest = {
        format: ARCHIVE_FORMAT,
        version: ARCHIVE_VERSION,
        workDir,
        runs: runList,
        files: archivedFiles,
        missing,
        records: { entry: ENTRY.records, size: records.size, sha256: records.sha256, rows: records.rows },
      };
      yield* tar.buffer(ENTRY.manifest, Buffer.from(`${JSON.stringify(manifest)}\n`));
      yield* tar.buffer(ENTRY.checksum, Buffer.from(`${tar.digestSoFar()}\n`));
      yield* tar.end();
    }
    await pipeline(bytes(), createWriteStream(partial));
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { force: true }).catch(() => undefined);
    // a source file that cannot be read is named; anything else failed writing the archive
    if (err instanceof TarFileChangedError) throw new ArchiveIoError('runs export', 'read', err.path, err.message);
    const from = (err as NodeJS.ErrnoException).path;
    throw typeof from === 'string' && from !== partial && from !== recordsTmp ? archiveFsError('runs export', 'read', from, err) : archiveFsError('runs export', 'write', out, err);
  } finally {
    await rm(recordsTmp, { force: true }).catch(() => undefined);
  }
  return {
    out,
    bytes: (await stat(out)).size,
    runs: runs.map((r) => ({ id: r.record.id, kind: r.record.kind, requested: r.requested })),
    files: files.length,
    fileBytes: files.reduce((n, f) => n + f.size, 0),
    external: runs.flatMap((r) => r.links.filter((l) => !archived.has(l)).map((runId) => ({ from: r.record.id, runId }))),
    missing: missing.map((m) => m.path),
  };
}


interface CollectedRun {
  readonly record: RunRecord;
  readonly requested: boolean;
  readonly links: string[];
}

/** The runs asked for, then (with sources) the runs their configs name, breadth first; each once. */
async function collectRuns(store: RunStore, runIds: readonly string[], withSources: boolean): Promise<CollectedRun[]> {
  const out: CollectedRun[] = [];
  const seen = new Set<string>();
  const queue = runIds.map((id) => ({ id, requested: true }));
  while (queue.length > 0) {
    const { id, requested } = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const record = await store.getRun(id);
    if (ACTIVE_STATUSES.includes(record.status)) throw new RunActiveError(id, record.status, 'runs export');
    const links: string[] = [];
    for (const s of new Set(jsonStrings(record.config))) {
      if (s !== id && s.length <= 128 && !/[\s/\\]/.test(s) && (await store.findRun(s))) links.push(s);
    }
    out.push({ record, requested, links });
    if (withSources) queue.push(...links.map((l) => ({ id: l, requested: false })));
  }
  return out;
}

interface CollectedFile {
  readonly path: string;
  readonly size: number;
  readonly runs: string[];
}

/** The files the runs' artifact and checkpoint rows name, then every regular file in their run folders; each path once. */
async function collectFiles(
  store: RunStore, runIds: readonly string[], workDir: string,
): Promise<{ files: CollectedFile[]; missing: Array<{ path: string; runs: string[] }> }> {
  const byPath = new Map<string, CollectedFile>();
  const missing = new Map<string, { path: string; runs: string[] }>();
  const add = async (path: string, runId: string, fromRow: boolean) => {
    const known = byPath.get(path) ?? missing.get(path);
    if (known) {
      if (!known.runs.includes(runId)) known.runs.push(runId);
      return;
    }
    try {
      const info = await stat(path);
      if (info.isFile() && info.size > USTAR_MAX_SIZE) throw new ArchiveIoError('runs export', 'archive', path, `${info.size} bytes, above the archive format's 8 GiB per file`);
      if (info.isFile()) byPath.set(path, { path, size: info.size, runs: [runId] });
      else if (fromRow) missing.set(path, { path, runs: [runId] });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !fromRow) throw archiveFsError('runs export', 'read', path, err);
      missing.set(path, { path, runs: [runId] });
    }
  };
  // a file in a run's folder belongs to that run: folders first, so it is listed first among the file's runs
  for (const id of runIds) for (const path of await filesUnder(join(workDir, id))) await add(path, id, false);
  for (const id of runIds) {
    for (const a of await store.listArtifacts(id)) await add(resolve(a.path), id, true);
    for (const c of await store.listCheckpoints(id)) await add(resolve(c.path), id, true);
  }
  return { files: [...byPath.values()], missing: [...missing.values()] };
}

/** Regular files under `dir` (none when it does not exist), sorted; symbolic links are not followed. */
async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw archiveFsError('runs export', 'read', dir, err);
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(path)));
    else if (e.isFile() && (await lstat(path)).isFile()) out.push(path);
  }
  return out;
}

/** Writes the runs' rows as record lines (archive-format.ts) to `path`; returns its size, SHA-256 and rows per table. */
async function writeRecords(
  store: RunStore, runs: readonly RunRecord[], path: string,
): Promise<{ size: number; sha256: string; rows: Record<RecordTable, number> }> {
  const rows = Object.fromEntries(RECORD_TABLES.map((t) => [t, 0])) as Record<RecordTable, number>;
  const hash = createHash('sha256');
  let size = 0;
  const file: FileHandle = await open(path, 'w');
  const put = async (table: RecordTable, lines: SqlValue[][]) => {
    if (lines.length === 0) return;
    rows[table] += lines.length;
    const text = Buffer.from(lines.map((values) => `${JSON.stringify([table, ...values])}\n`).join(''));
    hash.update(text);
    size += text.length;
    await file.write(text);
  };
  try {
    for (const r of runs) {
      await put('runs', [[
        r.id, r.kind, r.status, JSON.stringify(r.config ?? null), r.seed, r.job === null ? null : JSON.stringify(r.job),
        r.result === undefined ? null : JSON.stringify(r.result), r.error, r.attempt, r.pid, r.createdAt, r.startedAt, r.endedAt, r.heartbeatAt,
      ]]);
      for (let after = 0; ;) {
        const events = await store.readEvents(r.id, after, PAGE);
        if (events.length === 0) break;
        await put('events', events.map(({ kind, runId, seq, at, ...body }) => [runId, seq, kind, at, JSON.stringify(body)]));
        after = events[events.length - 1]!.seq;
      }
      await put('metrics', (await store.readMetrics(r.id)).map((m) => [m.runId, m.phase, m.step, m.name, m.value, m.at]));
      for (let after = 0; ;) {
        const page = await store.listCandidates(r.id, { afterId: after, limit: PAGE });
        if (page.length === 0) break;
        await put('candidates', page.map((c) => [c.id, c.runId, c.device, JSON.stringify(c.spec), JSON.stringify(c.metrics), c.onFront ? 1 : 0, c.at]));
        after = page[page.length - 1]!.id;
      }
      await put('artifacts', (await store.listArtifacts(r.id)).map((a) => [a.runId, a.kind, a.path, a.sizeBytes, a.sha256, a.at]));
      await put('checkpoints', (await store.listCheckpoints(r.id)).map((c) => [c.runId, c.path, c.phase, c.step, c.at]));
    }
  } finally {
    await file.close();
  }
  return { size, sha256: hash.digest('hex'), rows };
}
