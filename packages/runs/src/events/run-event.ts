import type { MetricPoint } from '../store/records.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The body of a run event, keyed on `kind`. `T` is the app's own progress
 * payload (a search or training event); runs never looks inside it.
 */
export type RunEventBody<T = unknown> =
  | { readonly kind: 'queued'; readonly runKind: string; readonly attempt: number; readonly seed: number | null }
  | { readonly kind: 'started'; readonly attempt: number; readonly pid: number | null }
  | {
      readonly kind: 'progress';
      readonly current: number;
      readonly total: number;
      readonly status?: string;
      readonly seed?: number | null;
      readonly detail?: T;
    }
  | { readonly kind: 'metric'; readonly points: readonly MetricPoint[] }
  | { readonly kind: 'log'; readonly level: LogLevel; readonly message: string }
  | { readonly kind: 'finished'; readonly result: unknown }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'cancelled'; readonly reason: string }
  | { readonly kind: 'interrupted'; readonly reason: string };

export interface RunEventMeta {
  readonly runId: string;
  /** 1, 2, 3… per run, in the order the store committed them. */
  readonly seq: number;
  /** Epoch milliseconds. */
  readonly at: number;
}

export type RunEvent<T = unknown> = RunEventBody<T> & RunEventMeta;

export type RunEventKind = RunEventBody['kind'];

/** Events an app (or a job) may append itself; lifecycle events come from the store's transitions. */
export type AppendableEventBody<T = unknown> = Extract<RunEventBody<T>, { kind: 'progress' | 'log' }>;

const TERMINAL_KINDS: ReadonlySet<RunEventKind> = new Set(['finished', 'failed', 'cancelled', 'interrupted']);

/** True for the event that ends an attempt: finished, failed, cancelled or interrupted. */
export function isTerminalEvent(event: { readonly kind: RunEventKind }): boolean {
  return TERMINAL_KINDS.has(event.kind);
}
