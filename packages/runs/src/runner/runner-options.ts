import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface RunnerOptions {
  /** How often the owner refreshes the run's heartbeat (default 2 000 ms). */
  readonly heartbeatMs?: number;
  /** After stop(), how long the job may take to reach its next step before the worker is killed (default 5 000 ms). */
  readonly stopGraceMs?: number;
  /** Metrics reported by the job are written in one batch at most this often (default 250 ms). */
  readonly metricFlushMs?: number;
  /** Progress reports are coalesced to at most one event per interval, keeping the latest (default 200 ms). */
  readonly progressIntervalMs?: number;
  /**
   * How long the run's final status (and its last metrics) keep being retried,
   * with backoff, while another process holds the store's lock (default 600 000 ms);
   * a finished run is never marked failed just because the store was busy.
   */
  readonly busyRetryMs?: number;
  /** Node flags of the worker; default loads tsx so `.ts` job modules run as they are. */
  readonly execArgv?: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export type ResolvedRunnerOptions = Required<Omit<RunnerOptions, 'env' | 'cwd'>> & Pick<RunnerOptions, 'env' | 'cwd'>;

/** The one place where runner defaults are set. */
export function resolveRunnerOptions(options: RunnerOptions = {}): ResolvedRunnerOptions {
  return {
    heartbeatMs: options.heartbeatMs ?? 2_000,
    stopGraceMs: options.stopGraceMs ?? 5_000,
    metricFlushMs: options.metricFlushMs ?? 250,
    progressIntervalMs: options.progressIntervalMs ?? 200,
    busyRetryMs: options.busyRetryMs ?? 600_000,
    execArgv: options.execArgv ?? tsxExecArgv(),
    cwd: options.cwd,
    env: options.env,
  };
}

/** `--import <tsx loader>` resolved from this package, so it works whatever the caller's cwd. */
export function tsxExecArgv(): string[] {
  const require = createRequire(import.meta.url);
  return ['--import', pathToFileURL(require.resolve('tsx')).href];
}
