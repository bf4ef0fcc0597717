import { type ChildProcess, fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ReplaySubject } from 'rxjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunCancelledError, RunFailedError, StoreBusyError } from '../errors.ts';
import type { LogLevel, RunEvent } from '../events/run-event.ts';
import type { RunStore } from '../store/run-store.ts';
import type { CheckpointRecord, JobRef, RunRecord } from '../store/records.ts';
import { MetricBuffer } from './metric-buffer.ts';
import { nextProgress, type RunHandle, type RunProgress } from './run-handle.ts';
import type { ResolvedRunnerOptions } from './runner-options.ts';
import type { ParentMessage, WorkerMessage, WorkerRequest } from './worker-protocol.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./job-worker.ts', import.meta.url));
const MAX_LOG_LINE = 4_000;

type Ending =
  | { readonly status: 'finished'; readonly result: unknown }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'cancelled' };

/**
 * The owner side of one attempt of a run: forks the worker, relays its reports
 * into the store (batched metrics, coalesced progress, acknowledged records),
 * keeps the heartbeat, and moves the run to its final status exactly once.
 */
export class RunSupervisor<T, R> {
  private readonly events = new ReplaySubject<RunEvent<T>>(1);
  private readonly progress = new ReplaySubject<RunProgress<T>>(1);
  private readonly metrics: MetricBuffer;
  private readonly settled: Promise<void>;
  private readonly result: Promise<R>;
  private resolveResult!: (value: R) => void;
  private rejectResult!: (err: unknown) => void;
  private child: ChildProcess | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private pendingProgress: Extract<WorkerMessage, { type: 'progress' }> | undefined;
  private lastProgressAt = 0;
  private stopRequested = false;
  private ending: Ending | undefined;
  private writeError: unknown;
  /** writes still in flight or waiting out a busy store; the final status waits for them */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly store: RunStore,
    private readonly run: RunRecord,
    private readonly job: JobRef,
    private readonly resumeFrom: CheckpointRecord | undefined,
    private readonly options: ResolvedRunnerOptions,
  ) {
    this.result = new Promise<R>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    this.result.catch(() => undefined); // callers that only watch events$ must not see an unhandled rejection
    this.settled = this.result.then(() => undefined, () => undefined);
    this.metrics = new MetricBuffer((points) => this.whileBusy(() => store.recordMetrics(run.id, points)), options.metricFlushMs);
  }

  handle(): RunHandle<T, R> {
    return {
      id: this.run.id,
      result: this.result,
      events$: this.events.asObservable(),
      progress$: this.progress.asObservable(),
      stop: () => this.stop(),
    };
  }

  start(): void {
    let progress: RunProgress<T> | undefined;
    this.store.events$<T>(this.run.id, { pollMs: 1_000 }).subscribe({
      next: (e) => {
        this.events.next(e);
        progress = nextProgress(progress, e);
        this.progress.next(progress);
      },
      error: (err: unknown) => {
        this.events.error(err);
        this.progress.error(err);
      },
      complete: () => {
        this.events.complete();
        this.progress.complete();
      },
    });
    // A heartbeat lost to a busy store is replaced by the next one.
    this.heartbeat = setInterval(() => this.track(this.store.heartbeat(this.run.id), { busyIsHarmless: true }), this.options.heartbeatMs);

    const child = fork(WORKER_ENTRY, [], {
      execArgv: [...this.options.execArgv],
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this.pipeLines(child.stdout, 'info');
    this.pipeLines(child.stderr, 'warn');
    child.on('spawn', () => this.track(this.whileBusy(() => this.store.markRunning(this.run.id, child.pid ?? null))));
    child.on('message', (m: WorkerMessage) => this.onMessage(m));
    child.on('error', (err) => void this.end({ status: 'failed', error: `job worker could not start: ${err.message}` }));
    child.on('exit', (code, signal) => {
      if (this.stopRequested) return void this.end({ status: 'cancelled' });
      const how = signal ? `signal ${signal}` : `code ${code}`;
      void this.end({ status: 'failed', error: `job worker exited with ${how} before finishing` });
    });
    this.send({
      type: 'start',
      job: this.job,
      input: this.run.config,
      context: { runId: this.run.id, seed: this.run.seed, attempt: this.run.attempt, resumeFrom: this.resumeFrom },
    });
  }

  async stop(): Promise<void> {
    if (this.ending || this.stopRequested) return this.settled;
    this.stopRequested = true;
    this.send({ type: 'stop' });
    this.killTimer = setTimeout(() => this.child?.kill('SIGKILL'), this.options.stopGraceMs);
    return this.settled;
  }

  private onMessage(m: WorkerMessage): void {
    const id = this.run.id;
    switch (m.type) {
      case 'progress':
        return this.onProgress(m);
      case 'metric':
        return this.metrics.add(m.point);
      case 'log':
        return this.track(this.whileBusy(() => this.store.appendEvent(id, { kind: 'log', level: m.level, message: m.message })));
      case 'request':
        return void this.whileBusy(() => this.record(m.request)).then(
          () => this.send({ type: 'ack', id: m.id }),
          (err: unknown) => this.send({ type: 'ack', id: m.id, error: err instanceof Error ? err.message : String(err) }),
        );
      case 'done':
        return void this.end(this.stopRequested ? { status: 'cancelled' } : { status: 'finished', result: m.result });
      case 'error':
        if (this.stopRequested) return void this.end({ status: 'cancelled' });
        return void this.end({ status: 'failed', error: `${m.error.name}: ${m.error.message}` });
    }
  }

  private record(req: WorkerRequest): Promise<unknown> {
    const id = this.run.id;
    if (req.what === 'checkpoint') return this.store.addCheckpoint(id, req.checkpoint);
    if (req.what === 'artifact') return this.store.addArtifact(id, req.artifact);
    return this.store.addCandidates(id, req.candidates);
  }

  private onProgress(m: Extract<WorkerMessage, { type: 'progress' }>): void {
    this.pendingProgress = m;
    if (this.progressTimer) return;
    const wait = Math.max(0, this.lastProgressAt + this.options.progressIntervalMs - Date.now());
    this.progressTimer = setTimeout(() => this.writeProgress(), wait);
  }

  private writeProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    const p = this.pendingProgress;
    if (!p) return;
    this.pendingProgress = undefined;
    this.lastProgressAt = Date.now();
    const body = { kind: 'progress' as const, current: p.current, total: p.total, status: p.status, seed: this.run.seed, detail: p.detail as T };
    this.track(this.store.appendEvent<T>(this.run.id, body), { busyIsHarmless: true });
  }

  /** Writes the final status once; later calls (e.g. the exit after `done`) are ignored. */
  private async end(ending: Ending): Promise<void> {
    if (this.ending) return;
    this.ending = ending;
    clearInterval(this.heartbeat);
    this.writeProgress();
    const metricError = await this.metrics.drain();
    await Promise.allSettled([...this.inFlight]);
    await this.store.flush();
    const lost = this.writeError ?? metricError;
    const id = this.run.id;
    try {
      if (ending.status === 'finished' && lost !== undefined) {
        await this.whileBusy(() => this.store.markFailed(id, `recording the run failed: ${lost instanceof Error ? lost.message : String(lost)}`));
        this.rejectResult(lost);
      } else if (ending.status === 'finished') {
        await this.whileBusy(() => this.store.markFinished(id, ending.result));
        this.resolveResult(ending.result as R);
      } else if (ending.status === 'failed') {
        await this.whileBusy(() => this.store.markFailed(id, ending.error));
        this.rejectResult(new RunFailedError(id, ending.error));
      } else {
        await this.whileBusy(() => this.store.markCancelled(id));
        this.rejectResult(new RunCancelledError(id));
      }
    } catch (err) {
      this.rejectResult(err);
    } finally {
      clearTimeout(this.killTimer);
      // A worker that reported its end exits by itself; make sure it does.
      if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
        setTimeout(() => this.child?.kill('SIGKILL'), this.options.stopGraceMs).unref();
      }
    }
  }

  private send(message: ParentMessage): void {
    if (this.child?.connected) this.child.send(message);
  }

  private track(write: Promise<unknown>, how: { busyIsHarmless?: boolean } = {}): void {
    const settled = write.then(
      () => undefined,
      (err: unknown) => {
        if (how.busyIsHarmless && err instanceof StoreBusyError) return;
        this.writeError ??= err;
      },
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /**
   * Retries a write that gave up on a busy store (each try already waited the
   * store's busy timeout), backing off from 0.5 s to 10 s, until `busyRetryMs` has passed.
   */
  private async whileBusy<W>(write: () => Promise<W>): Promise<W> {
    const started = Date.now();
    for (let pause = 500; ; pause = Math.min(pause * 2, 10_000)) {
      try {
        return await write();
      } catch (err) {
        if (!(err instanceof StoreBusyError) || Date.now() - started >= this.options.busyRetryMs) throw err;
        await sleep(Math.min(pause, Math.max(0, this.options.busyRetryMs - (Date.now() - started))));
      }
    }
  }

  private pipeLines(stream: NodeJS.ReadableStream | null, level: LogLevel): void {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim() === '' || this.ending) return;
      this.track(this.whileBusy(() => this.store.appendEvent(this.run.id, { kind: 'log', level, message: line.slice(0, MAX_LOG_LINE) })));
    });
  }
}
