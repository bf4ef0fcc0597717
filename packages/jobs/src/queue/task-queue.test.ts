import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { QueueTaskFailedError, QueueUnreachableError, QueueUrlError } from '../errors';
import { REDIS_MISSING, startTestRedis, type TestRedis } from './redis-server.fixture';
import { parseQueueUrl } from './queue-url';
import { serveTasks, TaskQueue } from './task-queue';

describe('parseQueueUrl', () => {
  it('reads host, port and database, and refuses what is not redis://HOST[:PORT][/DB] in one line', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/2')).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2 });
    expect(parseQueueUrl('redis://queue.lan')).toMatchObject({ host: 'queue.lan', port: 6379, db: 0 });
    expect(parseQueueUrl('redis://:s3cret@h:1')).toMatchObject({ password: 's3cret' });
    expect(() => parseQueueUrl('127.0.0.1:6379')).toThrow(QueueUrlError);
    expect(() => parseQueueUrl('http://h:1')).toThrow(/scheme 'http', not redis/);
    expect(() => parseQueueUrl('redis://h:1/jobs')).toThrow(/only a database number/);
  });
});

describe.skipIf(REDIS_MISSING)('TaskQueue and serveTasks on a real redis-server', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('says in one line when no Redis answers', async () => {
    const url = redis.url.replace(/:\d+$/, ':1');
    await expect(TaskQueue.open(url, 'nothing')).rejects.toThrow(QueueUnreachableError);
    await expect(TaskQueue.open(url, 'nothing')).rejects.toThrow(/no Redis answered at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it('hands tasks to workers and brings each result back to its own caller', async () => {
    const seen: string[] = [];
    const workers = await Promise.all(['a', 'b'].map((name) =>
      serveTasks(redis.url, { square: async (_t, data) => (seen.push(name), (data as { x: number }).x ** 2) }, { name })));
    const queue = await TaskQueue.open(redis.url, 'square');
    try {
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => queue.submit<number>('square', { x }, { what: `square ${x}` })));
      expect(results).toEqual([1, 4, 9, 16, 25, 36]);
      expect(seen).toHaveLength(6);
    } finally {
      await queue.close();
      await Promise.all(workers.map((w) => w.close()));
    }
  });

  it("fails a task with the worker's one-line error after its attempts, and the worker keeps serving", async () => {
    let calls = 0;
    const worker = await serveTasks(redis.url, {
      open: async (_t, data) => {
        calls++;
        const { path } = data as { path: string };
        if (path.startsWith('/missing')) throw new Error(`cannot open checkpoint ${path} (ENOENT)\n    at stack line`);
        return path.length;
      },
    }, { name: 'w1' });
    const retries: string[] = [];
    const queue = await TaskQueue.open(redis.url, 'open', { onRetry: (what, attempt, reason) => retries.push(`${what} #${attempt}: ${reason}`) });
    try {
      const failed = queue.submit('open', { path: '/missing/supernet.ckpt' }, { what: 'accuracy of subnet s1', attempts: 2 });
      await expect(failed).rejects.toThrow(QueueTaskFailedError);
      await expect(failed).rejects.toThrow('queue: accuracy of subnet s1 failed on 2 attempt(s), last: worker w1: cannot open checkpoint /missing/supernet.ckpt (ENOENT)');
      expect(calls).toBe(2);
      // the retry report reads the job back from Redis, so it may land after the failure
      await vi.waitFor(() => expect(retries).toEqual(['accuracy of subnet s1 #1: worker w1: cannot open checkpoint /missing/supernet.ckpt (ENOENT)']));
      expect(await queue.submit('open', { path: '/ok' }, { what: 'x' })).toBe(3);
    } finally {
      await queue.close();
      await worker.close();
    }
  });

  it("takes a closed coordinator's unstarted tasks back off the queue", async () => {
    const queue = await TaskQueue.open(redis.url, 'idle');
    const waiting = [1, 2, 3].map((x) => queue.submit('idle', { x }, { what: `idle ${x}` }).catch((e: Error) => e));
    const raw = new Queue('idle', { connection: { host: '127.0.0.1', port: Number(new URL(redis.url).port) }, prefix: 'oqat' });
    await vi.waitFor(async () => expect(await raw.getWaitingCount()).toBe(3));
    await queue.close();
    expect((await Promise.all(waiting)).map((e) => (e as Error).message)).toEqual(
      [1, 2, 3].map((x) => `queue: idle ${x} failed on 3 attempt(s), last: the coordinator closed the queue before a worker answered`));
    expect(await raw.getWaitingCount()).toBe(0);
    await raw.close();
  });

  it('gives a killed worker\'s task to another worker (stalled-task recovery), and tells the coordinator', async () => {
    const stalled: string[] = [];
    const queue = await TaskQueue.open(redis.url, 'hold', { onStalled: (id) => stalled.push(id) });
    const doomed = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./hanging-worker.fixture.ts', import.meta.url)), redis.url, 'hold'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const said = (word: string) => new Promise<void>((resolve) => doomed.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes(word) && resolve())));
    await said('ready');
    const result = queue.submit<string>('hold', { n: 1 }, { what: 'held task' });
    await said('holding');
    doomed.kill('SIGKILL');
    const rescuer = await serveTasks(redis.url, { hold: async (_t, data) => `rescued ${(data as { n: number }).n}` }, { name: 'rescuer', stalledMs: 300, lockMs: 1000 });
    try {
      expect(await result).toBe('rescued 1');
      expect(stalled).toHaveLength(1);
    } finally {
      await rescuer.close();
      await queue.close();
    }
  });
});
