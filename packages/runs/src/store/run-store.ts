import type { Observable } from 'rxjs';
import { RunActiveError, RunNotFoundError, StoreClosedError, StoreReadOnlyError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { AppendableEventBody, RunEvent, RunEventBody } from '../events/run-event.ts';
import { watchRunEvents, type WatchOptions } from '../events/watch-run-events.ts';
import { digestFile, insertArtifact, selectArtifacts } from './artifacts-table.ts';
import {
  insertCandidates, selectCandidate, selectCandidatePoints, selectCandidateCounts, selectCandidates, selectFrontIds, updateFront,
} from './candidates-table.ts';
import { insertCheckpoint, selectCheckpoints, selectLastCheckpoint } from './checkpoints-table.ts';
import { insertEvent, selectEvents } from './events-table.ts';
import { countMetricRows, insertMetrics, selectMetrics } from './metrics-table.ts';
import type * as R from './records.ts';
import {
  ACTIVE_STATUSES, RESUMABLE_STATUSES, deleteRunRow, findRun, insertRun, requireRun, selectRuns,
  processAlive, selectStaleRunIds, touchHeartbeat, transitionRun, type TransitionFields,
} from './runs-table.ts';
import { type SqliteConnection, sqliteCode } from './sqlite-connection.ts';
import type { WriteOp, WriteQueue } from './write-queue.ts';

/** The pieces openRunStore wires together. */
export interface RunStoreParts {
  readonly path: string;
  readonly schemaVersion: number;
  readonly writer: SqliteConnection;
  readonly reader: SqliteConnection;
  readonly queue: WriteQueue;
  readonly bus: EventBus;
  readonly now: () => number;
  readonly staleAfterMs: number;
  /** opened with `readOnly`: writes reject, stale runs are reported, not marked */
  readonly readOnly?: boolean;
}

export interface RecordMetricsOptions {
  /** Also append one `metric` event carrying the batch (default true). */
  readonly event?: boolean;
}

/**
 * One process's handle on a run store file. All writes go through one queue
 * (group-committed transactions); reads use a second connection and see only
 * committed rows. Open it with `openRunStore`.
 */
export class RunStore {
  private closed = false;

  constructor(private readonly parts: RunStoreParts) {}

  get path(): string {
    return this.parts.path;
  }

  get schemaVersion(): number {
    return this.parts.schemaVersion;
  }

  // ── runs and their lifecycle ────────────────────────────────────────────

  async createRun(run: R.NewRun): Promise<R.RunRecord> {
    const [record] = await this.writeWithEvents(async (c, now) => {
      const rec = await insertRun(c, run, now);
      const body: RunEventBody = { kind: 'queued', runKind: rec.kind, attempt: rec.attempt, seed: rec.seed };
      return [rec, [await insertEvent(c, rec.id, body, now)]];
    });
    return record;
  }

  markRunning(runId: string, pid: number | null = null): Promise<R.RunRecord> {
    return this.transition(runId, 'running', { pid }, (r) => ({ kind: 'started', attempt: r.attempt, pid }));
  }

  markFinished(runId: string, result: unknown = null): Promise<R.RunRecord> {
    return this.transition(runId, 'finished', { result }, () => ({ kind: 'finished', result }));
  }

  markFailed(runId: string, error: string): Promise<R.RunRecord> {
    return this.transition(runId, 'failed', { error }, () => ({ kind: 'failed', error }));
  }

  markCancelled(runId: string, reason = 'stopped by request'): Promise<R.RunRecord> {
    return this.transition(runId, 'cancelled', { error: reason }, () => ({ kind: 'cancelled', reason }));
  }

  /** Back to queued for a resume (from interrupted, cancelled or failed); bumps `attempt`. */
  requeue(runId: string): Promise<R.RunRecord> {
    return this.transition(runId, 'queued', {}, (r) => ({ kind: 'queued', runKind: r.kind, attempt: r.attempt, seed: r.seed }));
  }

  heartbeat(runId: string): Promise<void> {
    return this.write((c) => touchHeartbeat(c, runId, this.parts.now()), runId);
  }

  get readOnly(): boolean {
    return this.parts.readOnly === true;
  }

  /**
   * Marks active runs whose heartbeat is older than `staleAfterMs`, or whose
   * worker is gone, as interrupted; returns their ids. A read-only store
   * only returns them.
   */
  async sweepStale(): Promise<string[]> {
    const staleBefore = this.parts.now() - this.parts.staleAfterMs;
    const found = await selectStaleRunIds(this.reader(), staleBefore, processAlive);
    if (found.length === 0 || this.readOnly) return found;
    const [ids] = await this.writeWithEvents(async (c, now) => {
      const stale = await selectStaleRunIds(c, staleBefore, processAlive);
      const events: RunEvent[] = [];
      for (const id of stale) {
        const run = await requireRun(c, id);
        const reason = `no heartbeat since ${new Date(run.heartbeatAt ?? 0).toISOString()} (its process is gone)`;
        await transitionRun(c, id, 'interrupted', now, { error: reason });
        events.push(await insertEvent(c, id, { kind: 'interrupted', reason }, now));
      }
      return [stale, events];
    });
    return ids;
  }

  async getRun(runId: string): Promise<R.RunRecord> {
    return requireRun(this.reader(), runId);
  }

  async findRun(runId: string): Promise<R.RunRecord | undefined> {
    return findRun(this.reader(), runId);
  }

  /** Newest first; sweeps stale runs first so crashed runs show as interrupted. */
  async listRuns(filter: R.RunFilter = {}): Promise<R.RunRecord[]> {
    const stale = new Set(await this.sweepStale());
    const runs = await selectRuns(this.reader(), filter);
    // read-only: show what the sweep would have written
    return this.readOnly ? runs.map((r) => (stale.has(r.id) ? { ...r, status: 'interrupted' } : r)) : runs;
  }

  /** Deletes a run that is not active, with its events, metrics, candidates, artifacts and checkpoints rows (not files). */
  deleteRun(runId: string): Promise<void> {
    return this.write(async (c) => {
      const run = await requireRun(c, runId);
      if (ACTIVE_STATUSES.includes(run.status)) throw new RunActiveError(runId, run.status);
      await deleteRunRow(c, runId);
    });
  }

  async resumeInfo(runId: string): Promise<R.ResumeInfo> {
    await this.sweepStale();
    const run = await requireRun(this.reader(), runId);
    const checkpoint = await selectLastCheckpoint(this.reader(), runId);
    return { run, config: run.config, job: run.job, checkpoint, resumable: RESUMABLE_STATUSES.includes(run.status) };
  }

  // ── events ──────────────────────────────────────────────────────────────

  async appendEvent<T>(runId: string, body: AppendableEventBody<T>): Promise<RunEvent<T>> {
    const [event] = await this.writeWithEvents(async (c, now) => {
      const e = await insertEvent(c, runId, body, now);
      return [e, [e]];
    }, runId);
    return event as RunEvent<T>;
  }

  async readEvents<T = unknown>(runId: string, afterSeq = 0, limit = 10_000): Promise<RunEvent<T>[]> {
    return (await selectEvents(this.reader(), runId, afterSeq, limit)) as RunEvent<T>[];
  }

  /** Stored events, then live ones (see watchRunEvents); completes after the run's latest terminal event. */
  events$<T = unknown>(runId: string, options?: WatchOptions): Observable<RunEvent<T>> {
    const source = {
      readEvents: (id: string, afterSeq: number) => this.readEvents(id, afterSeq),
      live$: (id: string) => this.parts.bus.forRun$(id),
    };
    return watchRunEvents<T>(source, runId, options);
  }

  // ── metrics, candidates, artifacts, checkpoints ─────────────────────────

  /** One transaction for the whole batch (and its `metric` event). */
  async recordMetrics(runId: string, points: readonly R.MetricPoint[], options: RecordMetricsOptions = {}): Promise<void> {
    if (points.length === 0) return;
    await this.writeWithEvents(async (c, now) => {
      await insertMetrics(c, runId, points, now);
      if (options.event === false) return [undefined, []];
      return [undefined, [await insertEvent(c, runId, { kind: 'metric', points }, now)]];
    }, runId);
  }

  async readMetrics(runId: string, filter: R.MetricFilter = {}): Promise<R.MetricRecord[]> {
    return selectMetrics(this.reader(), runId, filter);
  }

  async countMetrics(runId: string): Promise<number> {
    return countMetricRows(this.reader(), runId);
  }

  async addCandidates(runId: string, candidates: readonly R.NewCandidate[]): Promise<R.CandidateRecord[]> {
    const now = this.parts.now();
    const ids = await this.write((c) => insertCandidates(c, runId, candidates, now), runId);
    return candidates.map((c, i) => ({
      id: ids[i], runId, device: c.device, spec: c.spec, metrics: c.metrics, onFront: c.onFront ?? false, at: now,
    }));
  }

  /** Marks exactly `candidateIds` as the front of `device` (the others of that device are cleared). */
  markFront(runId: string, device: string, candidateIds: readonly number[]): Promise<void> {
    return this.write((c) => updateFront(c, runId, device, candidateIds));
  }

  /** In id order; page with `afterId` and `limit`. */
  async listCandidates(runId: string, filter: R.CandidateFilter = {}): Promise<R.CandidateRecord[]> {
    return selectCandidates(this.reader(), runId, filter);
  }

  async getCandidate(runId: string, candidateId: number): Promise<R.CandidateRecord | undefined> {
    return selectCandidate(this.reader(), runId, candidateId);
  }

  /** One page (ids above `afterId`, at most `limit`) of a device's candidates as x/y columns (`digits`: significant digits kept). */
  async candidatePoints(
    runId: string, device: string, axes: R.CandidateAxes, page: { afterId?: number; limit?: number; digits?: number } = {},
  ): Promise<R.CandidatePointColumns> {
    const { afterId = 0, limit = 100_000, digits } = page;
    return selectCandidatePoints(this.reader(), runId, device, axes, { afterId, limit, digits });
  }

  /** Per device (or for `device` alone): count and highest id, from the index. */
  async candidateCounts(runId: string, device?: string): Promise<R.CandidateDeviceCount[]> {
    return selectCandidateCounts(this.reader(), runId, device);
  }

  /** The ids each device has flagged on its front, in id order. */
  async candidateFrontIds(runId: string): Promise<Map<string, number[]>> {
    return selectFrontIds(this.reader(), runId);
  }

  /** Hashes the file (size, SHA-256) and records it; the path is stored absolute. */
  async addArtifact(runId: string, artifact: R.NewArtifact): Promise<R.ArtifactRecord> {
    const digest = await digestFile(artifact.path);
    return this.write((c) => insertArtifact(c, runId, artifact, digest, this.parts.now()), runId);
  }

  async listArtifacts(runId: string): Promise<R.ArtifactRecord[]> {
    return selectArtifacts(this.reader(), runId);
  }

  addCheckpoint(runId: string, checkpoint: R.NewCheckpoint): Promise<R.CheckpointRecord> {
    return this.write((c) => insertCheckpoint(c, runId, checkpoint, this.parts.now()), runId);
  }

  async lastCheckpoint(runId: string): Promise<R.CheckpointRecord | undefined> {
    return selectLastCheckpoint(this.reader(), runId);
  }

  async listCheckpoints(runId: string): Promise<R.CheckpointRecord[]> {
    return selectCheckpoints(this.reader(), runId);
  }

  // ── plumbing ────────────────────────────────────────────────────────────

  /** SQLite's `PRAGMA integrity_check`: [] when the file is sound, else the problems found. */
  async integrityCheck(): Promise<string[]> {
    const rows = await this.reader().all<{ integrity_check: string }>('PRAGMA integrity_check');
    const problems = rows.map((r) => r.integrity_check);
    return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
  }

  /** Resolves once every write issued so far is committed. */
  flush(): Promise<void> {
    return this.parts.queue.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.parts.queue.close();
    this.parts.bus.complete();
    await this.parts.reader.close();
    if (this.parts.writer !== this.parts.reader) await this.parts.writer.close();
  }

  private reader(): SqliteConnection {
    if (this.closed) throw new StoreClosedError(this.parts.path, 'read');
    return this.parts.reader;
  }

  private transition(
    runId: string,
    to: R.RunStatus,
    fields: TransitionFields,
    body: (run: R.RunRecord) => RunEventBody,
  ): Promise<R.RunRecord> {
    return this.writeWithEvents(async (c, now) => {
      const run = await transitionRun(c, runId, to, now, fields);
      return [run, [await insertEvent(c, runId, body(run), now)]];
    }).then(([run]) => run);
  }

  private write<T>(op: WriteOp<T>, runId?: string): Promise<T> {
    if (this.readOnly) return Promise.reject(new StoreReadOnlyError(this.parts.path, 'opened read-only by this command'));
    return this.parts.queue.enqueue(op).catch((err: unknown) => {
      throw mapWriteError(err, runId);
    });
  }

  /** Runs a write whose events are published in-process once it has committed. */
  private async writeWithEvents<T>(
    op: (conn: SqliteConnection, now: number) => Promise<[T, RunEvent[]]>,
    runId?: string,
  ): Promise<[T, RunEvent[]]> {
    const out = await this.write((c) => op(c, this.parts.now()), runId);
    for (const e of out[1]) this.parts.bus.publish(e);
    return out;
  }
}

/** A write that names a run id the store does not have fails its foreign key: say so plainly. */
function mapWriteError(err: unknown, runId: string | undefined): unknown {
  if (runId !== undefined && sqliteCode(err) === 'SQLITE_CONSTRAINT' && String(err).includes('FOREIGN KEY')) {
    return new RunNotFoundError(runId);
  }
  return err;
}
