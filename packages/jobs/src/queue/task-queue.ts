import { hostname } from 'node:os';
import { Job, Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueTaskFailedError, QueueUnreachableError } from '../errors';
import { parseQueueUrl, type QueueAddress } from './queue-url';

/**
 * The one place that speaks BullMQ: tasks (JSON in, JSON out) on named
 * queues in one Redis, a coordinator's `TaskQueue` that submits them and
 * awaits their results, and `serveTasks`, a worker's loop. Knows nothing of
 * supernets; queue-worker.ts and remote-accuracy.ts give the tasks meaning.
 *
 * Reliability is BullMQ's: a worker holds a lock on its task and renews it;
 * when a worker dies (killed, host lost) its lock expires, another worker's
 * stalled-job check puts the task back in the queue, and it runs again.
 */

/** Every queue lives under this key prefix in Redis, so a Redis can be shared with other software. */
const PREFIX = 'oqat';

function connectionOf(a: QueueAddress): ConnectionOptions {
  // BullMQ's blocking commands need maxRetriesPerRequest null; ioredis reconnects by itself after a drop.
  return { host: a.host, port: a.port, db: a.db, password: a.password, username: a.username, maxRetriesPerRequest: null };
}

/** Fails fast, in one line, when nothing answers at the address (BullMQ itself would retry forever). */
export async function checkQueueReachable(a: QueueAddress, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...connectionOf(a), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let cause: NodeJS.ErrnoException | undefined; // the socket's own error (ECONNREFUSED, ENOTFOUND), clearer than connect()'s
  client.on('error', (err: NodeJS.ErrnoException) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const e = cause ?? (err as NodeJS.ErrnoException);
    throw new QueueUnreachableError(a.url, e.code ?? e.message.split('\n')[0]!);
  } finally {
    client.disconnect();
  }
}

export interface SubmitOptions {
  /** what the task is, for the run's log and errors, e.g. 'accuracy of subnet r28-…' */
  what: string;
  /** runs of the task before it fails for good (a worker's error counts, a lost worker does not) */
  attempts?: number;
}

export interface TaskQueueEvents {
  /** a worker stopped answering while holding a task (killed, host lost); BullMQ put the task back */
  onStalled?: (taskId: string) => void;
  /** a run of a task failed and the queue will run it again: the worker's own line */
  onRetry?: (what: string, attempt: number, reason: string) => void;
}

/** Tunables of the queues' reliability, shared by coordinator and workers. */
export const QUEUE_DEFAULTS = {
  /** a task's runs before it fails for good */
  attempts: 3,
  /** ms a worker's lock on a task lasts without renewal: longer than any synchronous stretch of a task (one subnet's evaluation) */
  lockMs: 60_000,
  /** ms between a worker's checks for tasks whose worker died */
  stalledMs: 15_000,
  /** times a task may be recovered from a dead worker before it fails */
  maxStalled: 3,
} as const;

/** The coordinator's side of one queue: submit a task, await its worker's result. */
export class TaskQueue {
  /** each task in flight by its id: what it is (for the retry reports) and how to stop waiting for it */
  private readonly pending = new Map<string, { what: string; abandon: (err: Error) => void }>();

  private constructor(
    readonly name: string,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    on: TaskQueueEvents,
  ) {
    // A failed run that will be retried waits out its backoff as 'delayed': report the worker's reason.
    if (on.onRetry) {
      events.on('delayed', ({ jobId }) => {
        const what = this.pending.get(jobId)?.what;
        if (what === undefined) return;
        void Job.fromId(queue, jobId).then(
          (job) => job?.failedReason && on.onRetry!(what, job.attemptsMade, job.failedReason.split('\n')[0]!),
          () => undefined,
        );
      });
    }
  }

  static async open(url: string, name: string, on: TaskQueueEvents = {}): Promise<TaskQueue> {
    const address = parseQueueUrl(url);
    await checkQueueReachable(address);
    const connection = connectionOf(address);
    const queue = new Queue(name, { connection, prefix: PREFIX });
    // Every task in flight waits on its answer with a 'closing' listener on the queue (BullMQ's waitUntilFinished),
    // and a generation puts its whole population in flight: no fixed bound fits, so Node's default warning of 10 is off.
    queue.setMaxListeners(0);
    const events = new QueueEvents(name, { connection, prefix: PREFIX });
    if (on.onStalled) events.on('stalled', ({ jobId }) => on.onStalled!(jobId));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new TaskQueue(name, queue, events, on);
  }

  /** Hands `data` to the next free worker of this queue; resolves with its result, rejects with QueueTaskFailedError. */
  async submit<R>(task: string, data: unknown, o: SubmitOptions): Promise<R> {
    const attempts = o.attempts ?? QUEUE_DEFAULTS.attempts;
    const job = await this.queue.add(task, data, {
      attempts,
      backoff: { type: 'fixed', delay: 200 },
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
    const abandoned = new Promise<never>((_, reject) => this.pending.set(job.id!, { what: o.what, abandon: reject }));
    try {
      return (await Promise.race([job.waitUntilFinished(this.events), abandoned])) as R;
    } catch (err) {
      throw new QueueTaskFailedError(o.what, attempts, (err as Error).message.split('\n')[0]!);
    } finally {
      this.pending.delete(job.id!);
    }
  }

  /** Takes this queue's unstarted tasks back (a cancelled run's, not other coordinators'), then disconnects. */
  async close(): Promise<void> {
    const pending = [...this.pending.entries()];
    await Promise.allSettled(pending.map(([id]) => this.queue.remove(id)));
    for (const [, p] of pending) p.abandon(new Error('the coordinator closed the queue before a worker answered'));
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

export interface ServeOptions {
  /** this worker's name in the tasks it takes and in the errors it reports (default host:pid) */
  name?: string;
  lockMs?: number;
  stalledMs?: number;
  onTask?: (event: { queue: string; task: string; id: string; state: 'started' | 'done' | 'failed'; ms?: number; error?: string }) => void;
}

export interface TaskControl {
  /**
   * Holds the task for `ms` from now before a long synchronous stretch (loading
   * a checkpoint), when the lock cannot be renewed: the task is not counted as
   * stalled meanwhile. A worker that dies inside it loses the task for that long.
   */
  holdFor(ms: number): Promise<void>;
}

export interface TaskHandler {
  (task: string, data: unknown, control: TaskControl): Promise<unknown>;
}

export interface TaskWorker {
  readonly name: string;
  /** waits for the task in hand (if any) to finish, then stops taking tasks */
  close(): Promise<void>;
}

export const defaultWorkerName = (): string => `${hostname()}:${process.pid}`;

/** Takes tasks from each named queue, one at a time, and runs them with its handler until closed. */
export async function serveTasks(url: string, handlers: Readonly<Record<string, TaskHandler>>, o: ServeOptions = {}): Promise<TaskWorker> {
  const address = parseQueueUrl(url);
  await checkQueueReachable(address);
  const name = o.name ?? defaultWorkerName();
  const workers = Object.entries(handlers).map(([queue, handler]) => {
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const start = Date.now();
        o.onTask?.({ queue, task: job.name, id: job.id ?? '', state: 'started' });
        const control: TaskControl = { holdFor: async (ms) => void (token && (await job.extendLock(token, ms))) };
        try {
          const result = await handler(job.name, job.data, control);
          o.onTask?.({ queue, task: job.name, id: job.id ?? '', state: 'done', ms: Date.now() - start });
          return result;
        } catch (err) {
          const error = (err as Error).message.split('\n')[0]!;
          o.onTask?.({ queue, task: job.name, id: job.id ?? '', state: 'failed', ms: Date.now() - start, error });
          throw new Error(error.startsWith(`worker ${name}`) ? error : `worker ${name}: ${error}`);
        }
      },
      {
        connection: connectionOf(address), prefix: PREFIX, name, concurrency: 1,
        lockDuration: o.lockMs ?? QUEUE_DEFAULTS.lockMs,
        stalledInterval: o.stalledMs ?? QUEUE_DEFAULTS.stalledMs,
        maxStalledCount: QUEUE_DEFAULTS.maxStalled,
      },
    );
    worker.on('error', () => undefined); // connection drops: ioredis reconnects; a task's own error is its job's failure
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return { name, close: async () => void (await Promise.allSettled(workers.map((w) => w.close()))) };
}
