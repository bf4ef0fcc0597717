/**
 * Entry point of a job's child process (started by the runner with
 * child_process.fork; never imported). It loads the job module, runs the named
 * export with the JSON input and relays the job's reports to the parent over
 * IPC. The parent owns the store: this process never opens the database.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JobExportNotFoundError } from '../errors.ts';
import type { JobContext, JobFunction } from './job-context.ts';
import {
  ORPHAN_EXIT_CODE, type ParentMessage, type WorkerMessage, type WorkerRequest, type WorkerRunContext,
  serializeError,
} from './worker-protocol.ts';

const parent = process.send?.bind(process);
if (!parent) throw new Error('job-worker: start this file through the job runner (child_process.fork), not directly');

const controller = new AbortController();
const acks = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
let nextRequestId = 1;
let finishing = false;

function send(message: WorkerMessage): void {
  if (process.connected) parent!(message);
}

function request(req: WorkerRequest): Promise<void> {
  const id = nextRequestId++;
  return new Promise<void>((resolveAck, rejectAck) => {
    acks.set(id, { resolve: resolveAck, reject: rejectAck });
    send({ type: 'request', id, request: req });
  });
}

function makeContext(context: WorkerRunContext): JobContext {
  return {
    runId: context.runId,
    seed: context.seed,
    attempt: context.attempt,
    resumeFrom: context.resumeFrom,
    signal: controller.signal,
    stopRequested: () => controller.signal.aborted,
    progress: (current, total, status, detail) => send({ type: 'progress', current, total, status, detail }),
    metric: (name, value, step, phase) => send({ type: 'metric', point: { name, value, step, phase } }),
    log: (level, message) => send({ type: 'log', level, message }),
    checkpoint: (path, step, phase) => request({ what: 'checkpoint', checkpoint: { path: resolve(path), step, phase } }),
    artifact: (artifact) => request({ what: 'artifact', artifact: { ...artifact, path: resolve(artifact.path) } }),
    candidates: (candidates) => request({ what: 'candidates', candidates }),
  };
}

/** Sends the last message, then lets the process end (forced after 2 s if the job left handles open). */
function finish(message: WorkerMessage): void {
  if (finishing) return;
  finishing = true;
  if (!process.connected) process.exit(ORPHAN_EXIT_CODE);
  parent!(message, undefined, {}, () => {
    process.disconnect();
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}

async function runJob(message: Extract<ParentMessage, { type: 'start' }>): Promise<void> {
  try {
    const modulePath = resolve(message.job.modulePath);
    const mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
    const fn = mod[message.job.exportName];
    if (typeof fn !== 'function') {
      const found = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
      throw new JobExportNotFoundError(modulePath, message.job.exportName, found);
    }
    const result = await (fn as JobFunction)(message.input, makeContext(message.context));
    finish({ type: 'done', result: result === undefined ? null : result });
  } catch (err) {
    finish({ type: 'error', error: serializeError(err) });
  }
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') void runJob(message);
  else if (message.type === 'stop') controller.abort();
  else if (message.type === 'ack') {
    const waiting = acks.get(message.id);
    acks.delete(message.id);
    if (message.error === undefined) waiting?.resolve();
    else waiting?.reject(new Error(message.error));
  }
});

// The parent is gone (crashed or killed): stop now; its run goes stale and is marked interrupted.
process.on('disconnect', () => {
  if (!finishing) process.exit(ORPHAN_EXIT_CODE);
});

process.on('uncaughtException', (err) => {
  finish({ type: 'error', error: serializeError(err) });
  setTimeout(() => process.exit(1), 2_000).unref();
});
process.on('unhandledRejection', (reason) => {
  finish({ type: 'error', error: serializeError(reason) });
  setTimeout(() => process.exit(1), 2_000).unref();
});
