import { accessSync, constants } from 'node:fs';
import { engineInfo, initEngine, tf, type BackendRequest } from '@oqat/engine';
import { createOrtRuntime, createTfjsRuntime, profileNetworks, type TfLike } from '@oqat/latency';
import { loadSupernet, type LoadedSupernet } from '@oqat/search';
import { WorkerTaskError } from '../errors';
import { searchValidation, type SearchValidation } from '../search-validation';
import { defaultWorkerName, serveTasks, type ServeOptions, type TaskControl, type TaskHandler, type TaskWorker } from './task-queue';
import { ACCURACY_QUEUE, fileSha256, profileQueue, type AccuracyAnswer, type AccuracyContext, type AccuracyTask, type ProfileAnswer, type ProfileTask } from './tasks';

export interface QueueWorkerOptions extends Pick<ServeOptions, 'name' | 'lockMs' | 'stalledMs' | 'onTask'> {
  /** redis://HOST:PORT of the coordinators' queue */
  url: string;
  backend: BackendRequest;
  threads?: number;
  /** serve this device's profiling tasks (`profile-<device>`) */
  device?: string;
  /** also serve accuracy tasks; default: true without a device, false with one */
  accuracy?: boolean;
  /** the data cache of data-folder runs (decoded images), as a coordinator's work folder holds it */
  workDir?: string;
  /** a note for the worker's log: a context loaded, a task refused */
  onNote?: (message: string) => void;
}

/** One loaded checkpoint with its validation data, kept while tasks keep naming it. */
interface LoadedContext {
  key: string;
  loaded: LoadedSupernet;
  validation: SearchValidation;
}

/** How long a task is held while its checkpoint and data load (synchronous: the lock cannot be renewed meanwhile). */
const LOAD_HOLD_MS = 5 * 60_000;

const contextKey = (c: AccuracyContext): string =>
  JSON.stringify([c.checkpoint, c.checkpointSha256, c.validation, c.validationImages, c.bnImages, c.seed, c.heldOut]);

/**
 * `oqat worker`: takes candidate evaluations off the queue until closed.
 * Accuracy tasks are scored exactly as a local search scores them (the
 * same checkpoint, checked by its sha256, the same held-out split, BN
 * images and seed), so a result does not depend on which worker measured it
 * beyond the engine's floating point. A worker that cannot open the
 * checkpoint or its data fails the task with one line naming itself and the
 * cause; the coordinator's queue retries it (another worker may take it) and
 * the worker goes on serving.
 */
export async function runQueueWorker(o: QueueWorkerOptions): Promise<TaskWorker> {
  await initEngine({ backend: o.backend, threads: o.threads });
  const engine = `${engineInfo()?.backend ?? '?'}-${engineInfo()?.threads ?? 1}t`;
  let current: LoadedContext | undefined;
  const name = o.name ?? defaultWorkerName();

  const open = async (c: AccuracyContext, control: TaskControl): Promise<LoadedContext> => {
    const key = contextKey(c);
    if (current?.key === key) return current;
    await control.holdFor(LOAD_HOLD_MS);
    if (current) {
      current.validation.dispose();
      current.loaded.net.dispose();
      current = undefined;
    }
    try {
      accessSync(c.checkpoint, constants.R_OK);
    } catch (err) {
      throw new WorkerTaskError(name, `cannot open checkpoint ${c.checkpoint} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}); give every worker the coordinator's file at the same path (a shared folder)`);
    }
    const sha = await fileSha256(c.checkpoint);
    if (sha !== c.checkpointSha256) {
      throw new WorkerTaskError(name, `checkpoint ${c.checkpoint} differs from the coordinator's (sha256 ${sha.slice(0, 12)}… vs ${c.checkpointSha256.slice(0, 12)}…); copy the coordinator's file`);
    }
    const loaded = loadSupernet(c.checkpoint);
    let validation: SearchValidation;
    try {
      validation = await searchValidation(loaded, { ...c, workDir: o.workDir });
    } catch (err) {
      loaded.net.dispose();
      throw new WorkerTaskError(name, `cannot load the validation data of ${c.checkpoint}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (validation.heldOut !== c.heldOut) {
      validation.dispose();
      loaded.net.dispose();
      throw new WorkerTaskError(name, `its dataset holds ${validation.heldOut} held-out images for ${c.checkpoint}, the coordinator's ${c.heldOut}; install the same data (e.g. the full Fashion-MNIST) on this host`);
    }
    o.onNote?.(`loaded ${c.checkpoint} (${validation.metric} on ${validation.heldOut} held-out images)`);
    return (current = { key, loaded, validation });
  };

  const accuracy = async (_task: string, data: unknown, control: TaskControl): Promise<AccuracyAnswer> => {
    const task = data as AccuracyTask;
    const start = performance.now();
    const { validation } = await open(task, control);
    const score = validation.score(task.spec);
    return { score, worker: name, engine, ms: performance.now() - start };
  };

  const profile = async (_task: string, data: unknown): Promise<ProfileAnswer> => {
    const task = data as ProfileTask;
    const threads = engineInfo()?.threads ?? 1;
    const ort = task.runtime === 'onnxruntime';
    const runtime = ort ? await createOrtRuntime() : createTfjsRuntime(tf as unknown as TfLike, { threads });
    // Process CPU time is latency only for a single-threaded runtime; with more threads, wall clock.
    const timing = !ort && threads > 1 ? { clock: 'wall' as const } : undefined;
    const [sample] = await profileNetworks({ device: ort ? 'cpu-ort' : 'cpu', networks: [task.layers], runtime, timing, perLayer: false, seed: task.seed });
    return { latencyMs: sample!.latencyMs, worker: name, engine: ort ? runtime.name : engine };
  };

  const handlers: Record<string, TaskHandler> = {};
  if (o.accuracy ?? !o.device) handlers[ACCURACY_QUEUE] = accuracy;
  if (o.device) handlers[profileQueue(o.device)] = profile;
  const worker = await serveTasks(o.url, handlers, { name, lockMs: o.lockMs, stalledMs: o.stalledMs, onTask: o.onTask });
  return {
    name,
    close: async () => {
      await worker.close();
      current?.validation.dispose();
      current?.loaded.net.dispose();
      current = undefined;
    },
  };
}
