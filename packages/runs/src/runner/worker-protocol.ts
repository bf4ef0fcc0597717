import type { LogLevel } from '../events/run-event.ts';
import type { CheckpointRecord, JobRef, MetricPoint, NewArtifact, NewCandidate, NewCheckpoint } from '../store/records.ts';

/** What the worker knows about its run when it starts. */
export interface WorkerRunContext {
  readonly runId: string;
  readonly seed: number | null;
  readonly attempt: number;
  /** The checkpoint to continue from, on a resume. */
  readonly resumeFrom: CheckpointRecord | undefined;
}

/** Parent → worker. */
export type ParentMessage =
  | { readonly type: 'start'; readonly job: JobRef; readonly input: unknown; readonly context: WorkerRunContext }
  | { readonly type: 'stop' }
  | { readonly type: 'ack'; readonly id: number; readonly error?: string };

/** Records a job asks the parent to write; the job waits for the ack. */
export type WorkerRequest =
  | { readonly what: 'checkpoint'; readonly checkpoint: NewCheckpoint }
  | { readonly what: 'artifact'; readonly artifact: NewArtifact }
  | { readonly what: 'candidates'; readonly candidates: readonly NewCandidate[] };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Worker → parent. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly current: number; readonly total: number; readonly status?: string; readonly detail?: unknown }
  | { readonly type: 'metric'; readonly point: MetricPoint }
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string }
  | { readonly type: 'request'; readonly id: number; readonly request: WorkerRequest }
  | { readonly type: 'done'; readonly result: unknown }
  | { readonly type: 'error'; readonly error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}

/** Exit code of a worker whose parent went away (so it stopped on its own). */
export const ORPHAN_EXIT_CODE = 75;
