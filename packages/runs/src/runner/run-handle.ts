import type { Observable } from 'rxjs';
import type { RunEvent } from '../events/run-event.ts';
import type { JobRef, RunStatus } from '../store/records.ts';

/** The latest state of a run, folded from its events. */
export interface RunProgress<T = unknown> {
  readonly runId: string;
  readonly state: RunStatus;
  readonly current: number;
  readonly total: number;
  readonly status?: string;
  readonly detail?: T;
  readonly seed: number | null;
  readonly attempt: number;
  readonly at: number;
}

/**
 * A started run. `result` resolves with the job's return value, or rejects with
 * RunFailedError / RunCancelledError. `events$` and `progress$` replay their
 * latest value to late subscribers and complete when the run ends; the full
 * history is `store.events$(id)`. Only `stop()` cancels the run.
 */
export interface RunHandle<T = unknown, R = unknown> {
  readonly id: string;
  readonly result: Promise<R>;
  readonly events$: Observable<RunEvent<T>>;
  readonly progress$: Observable<RunProgress<T>>;
  /** Asks the job to stop at its next step; kills the worker after the grace period. Resolves once the run has ended. */
  stop(): Promise<void>;
}

export interface RunSpec<I = unknown> {
  readonly kind: string;
  readonly job: JobRef;
  /** The job's JSON input; stored as the run's config. */
  readonly config: I;
  readonly seed?: number;
}

/** Folds one event into the progress state. */
export function nextProgress<T>(prev: RunProgress<T> | undefined, event: RunEvent<T>): RunProgress<T> {
  const base: RunProgress<T> = prev ?? {
    runId: event.runId, state: 'queued', current: 0, total: 0, seed: null, attempt: 1, at: event.at,
  };
  const at = event.at;
  switch (event.kind) {
    case 'queued':
      return { ...base, state: 'queued', seed: event.seed, attempt: event.attempt, at };
    case 'started':
      return { ...base, state: 'running', attempt: event.attempt, at };
    case 'progress':
      return { ...base, state: 'running', current: event.current, total: event.total, status: event.status, detail: event.detail, at };
    case 'finished':
    case 'failed':
    case 'cancelled':
    case 'interrupted':
      return { ...base, state: event.kind, at };
    default:
      return base;
  }
}
