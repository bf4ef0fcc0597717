import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initEngine } from '@oqat/engine';
import type { JobContext, NewCandidate } from '@oqat/runs';
import { largestSubnet, type SearchEvent, type SubnetSpec } from '@oqat/search';
import { TINY_SPACE, writeWidthsCheckpoint } from '@oqat/search/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueTaskFailedError } from '../errors';
import { searchJob, type SearchJobInput } from '../search-job';
import { DEFAULT_VALIDATION } from '../validation-split';
import { runQueueWorker } from './queue-worker';
import { REDIS_MISSING, startTestRedis, type TestRedis } from './redis-server.fixture';
import { TaskQueue } from './task-queue';
import { ACCURACY_QUEUE, fileSha256, type AccuracyTask } from './tasks';

const dir = mkdtempSync(join(tmpdir(), 'oqat-queue-search-'));
const checkpoint = join(dir, 'supernet.ckpt');

/** A job context that keeps what a run store would: logs and candidates. */
function recordingContext(): { ctx: JobContext<SearchEvent<SubnetSpec>>; logs: string[]; candidates: NewCandidate[] } {
  const logs: string[] = [];
  const candidates: NewCandidate[] = [];
  const signal = new AbortController().signal;
  const ctx: JobContext<SearchEvent<SubnetSpec>> = {
    runId: 'test', seed: 3, attempt: 1, resumeFrom: undefined, signal, stopRequested: () => false,
    progress: () => undefined, metric: () => undefined, log: (level, message) => void logs.push(`${level}: ${message}`),
    checkpoint: async () => undefined, artifact: async () => undefined, candidates: async (c) => void candidates.push(...c),
  };
  return { ctx, logs, candidates };
}

const input = (over: Partial<SearchJobInput> = {}): SearchJobInput => ({
  checkpoint, devices: ['fpga'], generations: 1, population: 6, seed: 3, backend: 'wasm', validation: DEFAULT_VALIDATION,
  validationImages: 60, bnImages: 100, cpuSamples: 20, accuracyPredictor: false, workDir: dir, ...over,
});

const children: ChildProcess[] = [];

function startWorker(url: string, name: string, holdAt = 0): { child: ChildProcess; said: (word: string) => Promise<void> } {
  const fixture = fileURLToPath(new URL('./worker-process.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, url, name, String(holdAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  const waiting: Array<[string, () => void]> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const [word, resolve] of waiting) if (out.includes(word)) resolve();
  });
  const said = (word: string) => new Promise<void>((resolve) => (out.includes(word) ? resolve() : waiting.push([word, resolve])));
  return { child, said };
}

describe.skipIf(REDIS_MISSING)('a search on queue workers', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
    writeWidthsCheckpoint(checkpoint, TINY_SPACE, 5, [4, 3]).dispose();
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('on two worker processes, one killed mid-task, finds the local run\'s front with every candidate measured', async () => {
    const local = recordingContext();
    const expected = await searchJob(input(), local.ctx);
    const steady = startWorker(redis.url, 'steady');
    const doomed = startWorker(redis.url, 'doomed', 3);
    try {
      await Promise.all([steady.said('ready'), doomed.said('ready')]);
      const remote = recordingContext();
      const running = searchJob(input({ queue: redis.url }), remote.ctx);
      await doomed.said('holding');
      doomed.child.kill('SIGKILL');
      const result = await running;
      expect(result).toEqual(expected);
      expect(remote.candidates).toEqual(local.candidates);
      expect(remote.candidates.length).toBe(expected.fronts[0]!.evaluated);
      expect(remote.logs.some((l) => l.startsWith('warn: a queue worker stopped answering'))).toBe(true);
      expect(remote.logs.some((l) => /^info: queue worker steady \(wasm-\d+t\) is measuring subnets$/.test(l))).toBe(true);
    } finally {
      steady.child.kill('SIGTERM');
      doomed.child.kill('SIGKILL');
    }
  }, 120_000);

  it('fails a task it cannot open with one line naming the worker and the cause, and keeps serving', async () => {
    const worker = await runQueueWorker({ url: redis.url, name: 'w-here', backend: 'wasm' });
    const queue = await TaskQueue.open(redis.url, ACCURACY_QUEUE);
    try {
      const sha = await fileSha256(checkpoint);
      const task: AccuracyTask = { checkpoint, checkpointSha256: sha, validation: DEFAULT_VALIDATION, validationImages: 60, bnImages: 100, seed: 3, heldOut: 60, spec: largestSubnet(TINY_SPACE, 4) };
      const missing = queue.submit('accuracy', { ...task, checkpoint: join(dir, 'elsewhere.ckpt') }, { what: 'accuracy of the largest', attempts: 1 });
      await expect(missing).rejects.toThrow(QueueTaskFailedError);
      await expect(missing).rejects.toThrow(`queue: accuracy of the largest failed on 1 attempt(s), last: worker w-here: cannot open checkpoint ${join(dir, 'elsewhere.ckpt')} (ENOENT)`);
      await expect(queue.submit('accuracy', { ...task, checkpointSha256: '0'.repeat(64) }, { what: 'x', attempts: 1 })).rejects.toThrow(/differs from the coordinator's/);
      await expect(queue.submit('accuracy', { ...task, heldOut: 6000 }, { what: 'x', attempts: 1 })).rejects.toThrow(/holds 60 held-out images .* the coordinator's 6000/);
      expect(await queue.submit<{ score: number }>('accuracy', task, { what: 'x' })).toMatchObject({ worker: 'w-here', engine: expect.stringMatching(/^wasm-\d+t$/) });
    } finally {
      await queue.close();
      await worker.close();
    }
  });
});
