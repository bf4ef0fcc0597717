import type { LogLevel } from '../events/run-event.ts';
import type { CheckpointRecord, NewArtifact, NewCandidate } from '../store/records.ts';

/**
 * What a job function receives beside its JSON input. Reporting calls are
 * fire-and-forget (the runner batches them into the store); the record calls
 * resolve once the row is committed, so a checkpoint is durable before the job
 * moves on.
 */
export interface JobContext<T = unknown> {
  readonly runId: string;
  readonly seed: number | null;
  /** 1 on the first execution, +1 per resume. */
  readonly attempt: number;
  /** On a resume: the last checkpoint recorded by an earlier attempt, else undefined. */
  readonly resumeFrom: CheckpointRecord | undefined;
  /** Aborted when the run's owner calls stop(); check it at every step. */
  readonly signal: AbortSignal;
  stopRequested(): boolean;
  progress(current: number, total: number, status?: string, detail?: T): void;
  metric(name: string, value: number, step: number, phase?: string): void;
  log(level: LogLevel, message: string): void;
  checkpoint(path: string, step: number, phase?: string): Promise<void>;
  artifact(artifact: NewArtifact): Promise<void>;
  candidates(candidates: readonly NewCandidate[]): Promise<void>;
}

/** A job: an exported function of a module the app names by path and export name. */
export type JobFunction<I = unknown, R = unknown, T = unknown> = (input: I, ctx: JobContext<T>) => Promise<R> | R;
