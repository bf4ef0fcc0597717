import { subnetKey, type SubnetSpec } from '@oqat/search';
import { TaskQueue } from './task-queue';
import { ACCURACY_QUEUE, fileSha256, type AccuracyAnswer, type AccuracyContext } from './tasks';

export interface RemoteAccuracy {
  /** the subnet's score, measured by whichever worker takes it */
  score: (spec: SubnetSpec) => Promise<number>;
  close: () => Promise<void>;
}

export interface RemoteAccuracyOptions extends Omit<AccuracyContext, 'checkpointSha256'> {
  url: string;
  /** one line per new worker, per worker lost, per retried task: the run's log */
  log: (level: 'info' | 'warn', message: string) => void;
}

/**
 * A search's accuracy measured by `oqat worker`s through the queue: each
 * call is one task carrying the checkpoint (path and sha256), the held-out
 * split and the subnet; the search records answers in candidate order
 * (ScoringConfig.concurrency), so the run is the local run's.
 */
export async function openRemoteAccuracy(o: RemoteAccuracyOptions): Promise<RemoteAccuracy> {
  const { url, log, ...context } = o;
  const checkpointSha256 = await fileSha256(context.checkpoint);
  const queue = await TaskQueue.open(url, ACCURACY_QUEUE, {
    onStalled: () => log('warn', 'a queue worker stopped answering while measuring a subnet; its task went back to the queue for another worker'),
    onRetry: (what, attempt, reason) => log('warn', `${what}: attempt ${attempt} failed (${reason}); the queue runs it again`),
  });
  const workers = new Set<string>();
  return {
    score: async (spec) => {
      const answer = await queue.submit<AccuracyAnswer>('accuracy', { ...context, checkpointSha256, spec }, { what: `accuracy of subnet ${subnetKey(spec)}` });
      if (!workers.has(answer.worker)) {
        workers.add(answer.worker);
        log('info', `queue worker ${answer.worker} (${answer.engine}) is measuring subnets`);
      }
      return answer.score;
    },
    close: () => queue.close(),
  };
}
