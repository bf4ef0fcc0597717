import { JobNotResumableError, RunNotResumableError } from '../errors.ts';
import type { RunStore } from '../store/run-store.ts';
import type { JobRef } from '../store/records.ts';
import type { RunHandle, RunSpec } from './run-handle.ts';
import { RunSupervisor } from './run-supervisor.ts';
import { type RunnerOptions, resolveRunnerOptions } from './runner-options.ts';

/**
 * Records a new run (queued) and executes its job in a child process; the run
 * is `running` once the worker has spawned. The job module path and export are
 * stored on the run so `resumeRun` can restart it later.
 */
export async function startRun<T = unknown, R = unknown>(
  store: RunStore,
  spec: RunSpec,
  options: RunnerOptions = {},
): Promise<RunHandle<T, R>> {
  const resolved = resolveRunnerOptions(options);
  const run = await store.createRun({ kind: spec.kind, config: spec.config, seed: spec.seed, job: spec.job });
  const supervisor = new RunSupervisor<T, R>(store, run, spec.job, undefined, resolved);
  supervisor.start();
  return supervisor.handle();
}

export interface ResumeOptions extends RunnerOptions {
  /** The job to run; default the one recorded on the run. */
  readonly job?: JobRef;
}

/**
 * Continues an interrupted, cancelled or failed run under the same id: requeues
 * it (attempt + 1) and starts its job with the same config; the job sees the
 * last checkpoint as `ctx.resumeFrom`.
 */
export async function resumeRun<T = unknown, R = unknown>(
  store: RunStore,
  runId: string,
  options: ResumeOptions = {},
): Promise<RunHandle<T, R>> {
  const info = await store.resumeInfo(runId);
  if (!info.resumable) throw new RunNotResumableError(runId, info.run.status);
  const job = options.job ?? info.job;
  if (!job) throw new JobNotResumableError(runId);
  const run = await store.requeue(runId);
  const supervisor = new RunSupervisor<T, R>(store, run, job, info.checkpoint, resolveRunnerOptions(options));
  supervisor.start();
  return supervisor.handle();
}
