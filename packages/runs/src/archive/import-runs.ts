import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { ArchiveDamagedError, ArchiveVersionError, StoreReadOnlyError } from '../errors.ts';
import type { RunStore } from '../store/run-store.ts';
import { newRunId } from '../store/runs-table.ts';
import { SqliteConnection, sqliteCode, type SqlValue } from '../store/sqlite-connection.ts';
import { WriteQueue } from '../store/write-queue.ts';
import {
  ARCHIVE_FORMAT, ARCHIVE_VERSION, ENTRY, FILE_ENTRY, RECORD_TABLES, SAFE_RUN_ID, columnsOf, parseRecordLine,
  type ArchiveManifest, type RecordTable,
} from './archive-format.ts';
import { archiveFsError } from './fs-error.ts';
import { PathRewriter, planRelocations, type RunMapping } from './rewrite-paths.ts';
import { readTar, TarFormatError } from './ustar.ts';

export interface ImportRunsOptions {
  /** the `.oqatrun` file */
  readonly archive: string;
  /** the store's work folder: each imported run's files go in `<workDir>/<its id>` */
  readonly workDir: string;
  /** how long to wait for another process's write lock (default 30 000 ms) */
  readonly busyTimeoutMs?: number;
}

export interface ImportedRun {
  /** its id in the archive */
  readonly from: string;
  /** its id in this store */
  readonly id: string;
  readonly kind: string;
}

export interface ImportRunsReport {
  readonly archive: string;
  /** runs added (a new id where the archive's was taken here) */
  readonly imported: readonly ImportedRun[];
  /** runs this store already holds (imported before, as `id`): nothing of them was written */
  readonly skipped: readonly ImportedRun[];
  /** files copied into the work folder, and their bytes */
  readonly files: number;
  readonly fileBytes: number;
  /** links to runs the archive left out: `present` when this store has a run of that id */
  readonly external: ReadonlyArray<{ readonly from: string; readonly runId: string; readonly present: boolean }>;
  /** files the exporting store had lost already (their rows are imported) */
  readonly missing: readonly string[];
}

const MAX_SMALL_ENTRY = 64 * 1024 * 1024;
/** Rows per multi-row INSERT while importing. */
const INSERT_CHUNK = 2_000;

/**
 * Adds an archive's runs (exportRuns) to `store`, all or nothing. The whole
 * archive is read and checked first (every header, the archive's SHA-256,
 * each file's size and SHA-256, every record line) with its files staged in a
 * hidden folder of `workDir`. Then, in one write transaction: runs the store
 * already has are skipped, the others keep their ids where free (else get a
 * new one), their files move into their new run folders, paths and ids in
 * their rows are rewritten (rewrite-paths.ts) and the rows inserted. If
 * anything fails, the transaction rolls back and the moved folders are
 * removed: the store and its work folder are as before.
 */
export async function importRuns(store: RunStore, options: ImportRunsOptions): Promise<ImportRunsReport> {
  const archive = resolve(options.archive);
  const workDir = resolve(options.workDir);
  if (store.readOnly) throw new StoreReadOnlyError(store.path, 'opened read-only by this command');
  try {
    if (!(await stat(archive)).isFile()) throw new ArchiveDamagedError(archive, 'not a regular file');
  } catch (err) {
    throw archiveFsError('runs import', 'read', archive, err);
  }
  let staging: string;
  const hadWorkDir = existsSync(workDir);
  try {
    await mkdir(workDir, { recursive: true });
    staging = await mkdtemp(join(workDir, '.import-'));
  } catch (err) {
    throw archiveFsError('runs import', 'write into', workDir, err);
  }
  try {
    const staged = await readArchive(archive, staging, store.schemaVersion);
    const records = await checkRecords(archive, staged.manifest, staged.recordsPath);
    return await commit(store, archive, workDir, staged, records, options.busyTimeoutMs ?? 30_000);
  } catch (err) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (!hadWorkDir) await rmdir(workDir).catch(() => undefined);
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}


interface Staged {
  readonly manifest: ArchiveManifest;
  /** staged file per archive entry name */
  readonly files: ReadonlyMap<string, string>;
  readonly recordsPath: string;
}

/** Reads every entry into `staging`, checking the tar, the archive's SHA-256, the header's version and each file against the manifest. */
async function readArchive(archive: string, staging: string, storeSchema: number): Promise<Staged> {
  const damaged = (detail: string) => new ArchiveDamagedError(archive, detail);
  const seen = new Map<string, { size: number; sha256: string; path: string }>();
  let manifestText: string | undefined;
  let checksumOk = false;
  let index = 0;
  try {
    for await (const entry of readTar(createReadStream(archive))) {
      index++;
      if (checksumOk) throw damaged(`an entry '${entry.name}' follows its checksum`);
      if (index === 1) {
        if (entry.name !== ENTRY.header || entry.size > MAX_SMALL_ENTRY) throw damaged(`its first entry is '${entry.name}', not ${ENTRY.header}`);
        checkHeader(archive, await readSmall(entry.body), storeSchema);
      } else if (entry.name === ENTRY.checksum) {
        if (manifestText === undefined || entry.size > 1024) throw damaged('its checksum comes before its manifest');
        checksumOk = (await readSmall(entry.body)).trim() === entry.digestBefore;
        if (!checksumOk) throw damaged('its SHA-256 does not match: the file was damaged or changed');
      } else if (entry.name === ENTRY.manifest) {
        if (manifestText !== undefined || entry.size > MAX_SMALL_ENTRY) throw damaged('it holds two manifests');
        manifestText = await readSmall(entry.body);
      } else if ((FILE_ENTRY.test(entry.name) || entry.name === ENTRY.records) && !seen.has(entry.name) && manifestText === undefined) {
        const path = join(staging, entry.name.replace('/', '-'));
        const hash = createHash('sha256');
        await pipeline(entry.body, async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            yield chunk;
          }
        }, createWriteStream(path));
        seen.set(entry.name, { size: entry.size, sha256: hash.digest('hex'), path });
      } else throw damaged(`unexpected entry '${entry.name}'`);
    }
  } catch (err) {
    if (err instanceof TarFormatError) throw damaged(err.message);
    const reading = (err as NodeJS.ErrnoException).path === archive;
    throw archiveFsError('runs import', reading ? 'read' : 'write into', reading ? archive : staging, err);
  }
  if (!checksumOk) throw damaged('it ends before its checksum');
  const manifest = checkManifest(archive, manifestText!);
  const entries = [...manifest.files.map((f) => ({ entry: f.entry, size: f.size, sha256: f.sha256 })), manifest.records];
  if (entries.length !== seen.size) throw damaged(`it holds ${seen.size} files, its manifest lists ${entries.length}`);
  for (const e of entries) {
    const got = seen.get(e.entry);
    if (!got) throw damaged(`${e.entry} is missing`);
    if (got.size !== e.size || got.sha256 !== e.sha256) throw damaged(`${e.entry} does not match its SHA-256 in the manifest`);
  }
  const files = new Map([...seen].map(([name, s]) => [name, s.path]));
  return { manifest, files, recordsPath: seen.get(manifest.records.entry)!.path };
}

async function readSmall(body: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

function checkHeader(archive: string, text: string, storeSchema: number): void {
  let header: { format?: unknown; version?: unknown; storeSchema?: unknown };
  try {
    header = JSON.parse(text) as typeof header;
  } catch {
    throw new ArchiveDamagedError(archive, `its ${ENTRY.header} is not JSON`);
  }
  if (header.format !== ARCHIVE_FORMAT) throw new ArchiveDamagedError(archive, `its ${ENTRY.header} does not name the format ${ARCHIVE_FORMAT}`);
  if (header.version !== ARCHIVE_VERSION) throw new ArchiveVersionError(archive, 'archive format version', header.version, ARCHIVE_VERSION);
  if (typeof header.storeSchema !== 'number' || header.storeSchema > storeSchema) {
    throw new ArchiveVersionError(archive, 'runs of store schema', header.storeSchema, storeSchema);
  }
}

/** The manifest, shape-checked: safe run ids, absolute normalised paths, entries that exist in the format. */
function checkManifest(archive: string, text: string): ArchiveManifest {
  const bad = (what: string) => new ArchiveDamagedError(archive, `its manifest ${what}`);
  let m: ArchiveManifest;
  try {
    m = JSON.parse(text) as ArchiveManifest;
  } catch {
    throw bad('is not JSON');
  }
  const absolute = (p: unknown) => typeof p === 'string' && isAbsolute(p) && normalize(p) === p && !p.includes('\0');
  if (m?.format !== ARCHIVE_FORMAT || m.version !== ARCHIVE_VERSION || !absolute(m.workDir)) throw bad('names no work folder');
  if (!Array.isArray(m.runs) || m.runs.length === 0) throw bad('lists no runs');
  const ids = new Set<string>();
  for (const r of m.runs) {
    if (typeof r?.id !== 'string' || !SAFE_RUN_ID.test(r.id) || ids.has(r.id) || !Array.isArray(r.links)) throw bad('lists a run with a bad or repeated id');
    ids.add(r.id);
  }
  const entries = new Set<string>();
  for (const f of Array.isArray(m.files) ? m.files : [null]) {
    const ok = f && FILE_ENTRY.test(f.entry) && !entries.has(f.entry) && absolute(f.path) && Number.isSafeInteger(f.size) &&
      typeof f.sha256 === 'string' && Array.isArray(f.runs) && f.runs.length > 0 && f.runs.every((id: string) => ids.has(id));
    if (!ok) throw bad('lists a file badly');
    entries.add(f.entry);
  }
  if (!Array.isArray(m.missing) || m.records?.entry !== ENTRY.records) throw bad('has no records entry');
  return m;
}

interface RecordsSummary {
  /** the archived runs' rows, by id */
  readonly runs: ReadonlyMap<string, SqlValue[]>;
  /** events per run */
  readonly events: ReadonlyMap<string, number>;
  /** each run's candidate ids, in order */
  readonly candidates: ReadonlyMap<string, number[]>;
}

async function* recordLines(path: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line !== '') yield line;
}

/** Reads every record line once: each checked against its table's columns, each row after its run's row. */
async function checkRecords(archive: string, manifest: ArchiveManifest, path: string): Promise<RecordsSummary> {
  const runs = new Map<string, SqlValue[]>();
  const events = new Map<string, number>();
  const candidates = new Map<string, number[]>();
  const counts = Object.fromEntries(RECORD_TABLES.map((t) => [t, 0])) as Record<RecordTable, number>;
  const listed = new Set(manifest.runs.map((r) => r.id));
  for await (const line of recordLines(path)) {
    const parsed = parseRecordLine(line);
    if (typeof parsed === 'string') throw new ArchiveDamagedError(archive, parsed);
    const { table, values } = parsed;
    counts[table]++;
    const runId = String(table === 'runs' ? values[0] : table === 'candidates' ? values[1] : values[0]);
    if (table === 'runs') {
      if (!listed.has(runId) || runs.has(runId)) throw new ArchiveDamagedError(archive, `its records hold a run the manifest does not list once: ${runId}`);
      runs.set(runId, values);
    } else if (!runs.has(runId)) {
      throw new ArchiveDamagedError(archive, `a ${table} record comes before its run's record`);
    } else if (table === 'events') events.set(runId, (events.get(runId) ?? 0) + 1);
    else if (table === 'candidates') {
      const list = candidates.get(runId) ?? [];
      list.push(values[0] as number);
      candidates.set(runId, list);
    }
  }
  if (runs.size !== listed.size) throw new ArchiveDamagedError(archive, 'its records lack a run the manifest lists');
  for (const t of RECORD_TABLES) {
    if (counts[t] !== manifest.records.rows[t]) throw new ArchiveDamagedError(archive, `it holds ${counts[t]} ${t} records, its manifest says ${manifest.records.rows[t]}`);
  }
  return { runs, events, candidates };
}

/** Column positions in a runs record. */
const RUN = Object.fromEntries(columnsOf('runs').map((c, i) => [c, i])) as Record<string, number>;

/**
 * How each archived run is called here: the same run already in the store
 * (its id, kind and creation time; or, imported before under another id, the
 * same kind, times, attempt, seed and numbers of events and candidates) is skipped; else its
 * id is kept where no run and no folder has it, else a new one is drawn.
 */
async function mapRuns(c: SqliteConnection, manifest: ArchiveManifest, records: RecordsSummary, workDir: string): Promise<RunMapping[]> {
  const out: RunMapping[] = [];
  const taken = new Set(manifest.runs.map((r) => r.id));
  for (const { id } of manifest.runs) {
    const row = records.runs.get(id)!;
    const [kind, createdAt] = [row[RUN.kind!]!, row[RUN.created_at!]!];
    if (await c.get('SELECT id FROM runs WHERE id = ? AND kind = ? AND created_at = ?', [id, kind, createdAt])) {
      out.push({ from: id, to: id, isNew: false });
      continue;
    }
    const alike = await c.all<{ id: string }>(
      'SELECT id FROM runs WHERE kind = ? AND created_at = ? AND started_at IS ? AND ended_at IS ? AND attempt = ? AND seed IS ? ORDER BY id',
      [kind, createdAt, row[RUN.started_at!]!, row[RUN.ended_at!]!, row[RUN.attempt!]!, row[RUN.seed!]!],
    );
    let same: string | undefined;
    for (const a of alike) {
      const n = await c.get<{ e: number; c: number }>(
        'SELECT (SELECT COUNT(*) FROM events WHERE run_id = ?) AS e, (SELECT COUNT(*) FROM candidates WHERE run_id = ?) AS c', [a.id, a.id],
      );
      if (n?.e === (records.events.get(id) ?? 0) && n?.c === (records.candidates.get(id)?.length ?? 0)) {
        same = a.id;
        break;
      }
    }
    if (same !== undefined) {
      out.push({ from: id, to: same, isNew: false });
      continue;
    }
    let to = id;
    while ((to !== id && taken.has(to)) || (await c.get('SELECT id FROM runs WHERE id = ?', [to])) || existsSync(join(workDir, to))) {
      to = newRunId(Number(createdAt));
    }
    taken.add(to);
    out.push({ from: id, to, isNew: true });
  }
  return out;
}

/** The transaction: map the runs, move their files into place, insert their rows; undone as a whole if any step fails. */
async function commit(
  store: RunStore, archive: string, workDir: string, staged: Staged, records: RecordsSummary, busyTimeoutMs: number,
): Promise<ImportRunsReport> {
  const { manifest } = staged;
  const madeFolders: string[] = [];
  const conn = await SqliteConnection.open(store.path, 'readwrite');
  try {
    conn.setBusyTimeout(busyTimeoutMs);
    await conn.exec('PRAGMA foreign_keys = ON');
    const queue = new WriteQueue(conn, { busyWaitMs: busyTimeoutMs, maxOpsPerTransaction: 1 });
    return await queue.enqueue(async (c) => {
      const runs = await mapRuns(c, manifest, records, workDir);
      const fresh = new Map(runs.filter((r) => r.isNew).map((r) => [r.from, r.to]));
      // candidates keep their order; their ids follow the store's highest
      let next = ((await c.get<{ n: number }>('SELECT COALESCE(MAX(id), 0) AS n FROM candidates'))?.n ?? 0) + 1;
      const candidateIds = new Map<string, Map<number, number>>();
      for (const [from] of fresh) candidateIds.set(from, new Map((records.candidates.get(from) ?? []).map((old) => [old, next++])));
      const { exact, prefixes } = planRelocations(manifest.workDir, workDir, runs, manifest.files);
      const rewriter = new PathRewriter(new Map(runs.map((r) => [r.from, r.to])), candidateIds, exact, prefixes);

      let files = 0;
      let fileBytes = 0;
      for (const f of manifest.files) {
        const to = rewriter.placement(f.path);
        if (!to) continue;
        if (!madeFolders.includes(to.runFolder)) {
          await mkdir(to.runFolder);
          madeFolders.push(to.runFolder);
        }
        await mkdir(dirname(to.path), { recursive: true });
        await rename(staged.files.get(f.entry)!, to.path);
        files++;
        fileBytes += f.size;
      }
      await insertRows(c, staged.recordsPath, fresh, candidateIds, rewriter);
      const archived = new Set(runs.map((r) => r.from));
      const external: Array<{ from: string; runId: string; present: boolean }> = [];
      for (const r of manifest.runs) {
        for (const l of r.links.filter((id) => !archived.has(id))) {
          external.push({ from: r.id, runId: l, present: (await c.get('SELECT id FROM runs WHERE id = ?', [l])) !== undefined });
        }
      }
      const kindOf = (id: string) => manifest.runs.find((r) => r.id === id)!.kind;
      return {
        archive,
        imported: runs.filter((r) => r.isNew).map((r) => ({ from: r.from, id: r.to, kind: kindOf(r.from) })),
        skipped: runs.filter((r) => !r.isNew).map((r) => ({ from: r.from, id: r.to, kind: kindOf(r.from) })),
        files,
        fileBytes,
        external,
        missing: manifest.missing.map((m) => m.path),
      };
    });
  } catch (err) {
    for (const folder of madeFolders.reverse()) await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    if (sqliteCode(err) === 'SQLITE_CONSTRAINT') throw new ArchiveDamagedError(archive, `its rows do not fit the store: ${String((err as Error).message).split('\n')[0]}`, { cause: err });
    if (err instanceof SyntaxError) throw new ArchiveDamagedError(archive, 'a record holds text that is not JSON', { cause: err });
    throw archiveFsError('runs import', 'write into', workDir, err);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** Inserts the new runs' rows, ids and paths rewritten, in multi-row chunks (each run's row before its children). */
async function insertRows(
  c: SqliteConnection, path: string, fresh: ReadonlyMap<string, string>,
  candidateIds: ReadonlyMap<string, ReadonlyMap<number, number>>, rw: PathRewriter,
): Promise<void> {
  const pending = new Map<RecordTable, SqlValue[][]>(RECORD_TABLES.map((t) => [t, []]));
  const flush = async (table: RecordTable) => {
    const rows = pending.get(table)!;
    if (rows.length > 0) await c.insertMany(table, columnsOf(table), rows.splice(0));
  };
  const text = (v: SqlValue) => (v === null ? null : rw.jsonText(v as string));
  for await (const line of recordLines(path)) {
    const { table, values: v } = parseRecordLine(line) as { table: RecordTable; values: SqlValue[] };
    const runId = fresh.get(String(table === 'candidates' ? v[1] : v[0]));
    if (runId === undefined) continue;
    let row: SqlValue[];
    switch (table) {
      case 'runs':
        // the pid was another host's process
        row = [runId, v[1]!, v[2]!, text(v[3]!), v[4]!, v[5]!, text(v[6]!), v[7]!, v[8]!, null, v[10]!, v[11]!, v[12]!, v[13]!];
        break;
      case 'events':
        row = [runId, v[1]!, v[2]!, v[3]!, text(v[4]!)];
        break;
      case 'metrics':
        row = [runId, ...v.slice(1)];
        break;
      case 'candidates':
        row = [candidateIds.get(String(v[1]))!.get(v[0] as number)!, runId, v[2]!, text(v[3]!), v[4]!, v[5]!, v[6]!];
        break;
      case 'artifacts':
        row = [runId, v[1]!, rw.string(v[2] as string), v[3]!, v[4]!, v[5]!];
        break;
      case 'checkpoints':
        row = [runId, rw.string(v[1] as string), v[2]!, v[3]!, v[4]!];
        break;
    }
    if (table === 'runs') {
      for (const t of RECORD_TABLES) await flush(t);
      await c.insertMany('runs', columnsOf('runs'), [row]);
    } else {
      pending.get(table)!.push(row);
      if (pending.get(table)!.length >= INSERT_CHUNK) await flush(table);
    }
  }
  for (const t of RECORD_TABLES) await flush(t);
}
