/**
 * Issue 19's figure: one search run locally, then on 1, 2, 4 `oqat worker`
 * processes through a private redis-server, and once more on 2 workers with
 * one killed (SIGKILL) a third of the way in. Per run: wall time, candidates
 * measured per minute, time to the first result, and whether the result (the
 * fronts, every measured candidate's accuracy and generation) equals the
 * local run's. Workers are processes on this host (no network namespaces).
 * A worker's lock (--lock-seconds) must outlast its longest synchronous
 * stretch (loading the checkpoint and data for its first task); a shorter
 * one makes BullMQ count the task as stalled and run it twice (the result is
 * the same, the time is not). A killed worker's task comes back after about
 * 1.25x the lock.
 *
 *   node --import tsx tools/bench/queue-search.ts --ckpt supernet.ckpt [--workers 1,2,4] [--population 8]
 *        [--generations 2] [--val-images 500] [--bn-images 250] [--device fpga] [--threads 1] [--kill] [--lock-seconds 45]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initEngine } from '@oqat/engine';
import { DEFAULT_VALIDATION, searchJob, type SearchJobInput, type SearchJobResult } from '@oqat/jobs';
import type { JobContext, NewCandidate } from '@oqat/runs';
import type { SearchEvent, SubnetSpec } from '@oqat/search';

const { values } = parseArgs({
  options: {
    ckpt: { type: 'string' },
    workers: { type: 'string', default: '1,2,4' },
    population: { type: 'string', default: '8' },
    generations: { type: 'string', default: '2' },
    'val-images': { type: 'string', default: '500' },
    'bn-images': { type: 'string', default: '250' },
    device: { type: 'string', default: 'fpga' },
    threads: { type: 'string', default: '1' },
    kill: { type: 'boolean', default: false },
    'lock-seconds': { type: 'string', default: '45' },
  },
});
if (!values.ckpt) throw new Error('--ckpt supernet.ckpt is required');
const threads = Number(values.threads);
const lockSeconds = Number(values['lock-seconds']);
const cli = resolve(import.meta.dirname, '../../apps/cli/bin/oqat.mjs');
const dir = mkdtempSync(join(tmpdir(), 'oqat-queue-bench-'));
const input = (queue?: string): SearchJobInput => ({
  checkpoint: resolve(values.ckpt!), devices: [values.device as SearchJobInput['devices'][number]], generations: Number(values.generations),
  population: Number(values.population), seed: 1, backend: 'wasm', threads, validation: DEFAULT_VALIDATION,
  validationImages: Number(values['val-images']), bnImages: Number(values['bn-images']), cpuSamples: 20, accuracyPredictor: false, queue, workDir: dir,
});

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready) => child.stdout!.on('data', (c: Buffer) => c.toString().includes('Ready to accept') && ready()));
  child.stdout!.resume();
  return { url: `redis://127.0.0.1:${port}`, child };
}

function startWorker(url: string, name: string): { child: ChildProcess; ready: Promise<void>; done: () => number } {
  const child = spawn(process.execPath, [cli, 'worker', '--queue', url, '--name', name, '--backend', 'wasm', '--threads', String(threads), '--lock-seconds', String(lockSeconds)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let done = 0;
  const ready = new Promise<void>((ok) => child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    done = (err.match(/ done in /g) ?? []).length;
    if (err.includes('serving')) ok();
  }));
  return { child, ready, done: () => done };
}

interface Timed {
  result: SearchJobResult;
  candidates: NewCandidate[];
  wallMs: number;
  firstMs: number;
  evaluated: number;
  logs: string[];
}

async function run(queue: string | undefined, onProgress?: (n: number) => void): Promise<Timed> {
  const logs: string[] = [];
  const candidates: NewCandidate[] = [];
  let firstMs = NaN;
  let evaluated = 0;
  const start = performance.now();
  const ctx: JobContext<SearchEvent<SubnetSpec>> = {
    runId: 'bench', seed: 1, attempt: 1, resumeFrom: undefined, signal: new AbortController().signal, stopRequested: () => false,
    progress: (done) => {
      if (!(firstMs >= 0)) firstMs = performance.now() - start;
      evaluated = done;
      onProgress?.(done);
    },
    metric: () => undefined, log: (level, m) => void logs.push(`${level}: ${m}`),
    checkpoint: async () => undefined, artifact: async () => undefined, candidates: async (c) => void candidates.push(...c),
  };
  const result = await searchJob(input(queue), ctx);
  return { result, candidates, wallMs: performance.now() - start, firstMs, evaluated, logs };
}

const same = (a: Timed, b: Timed): string =>
  JSON.stringify(a.result) === JSON.stringify(b.result) && JSON.stringify(a.candidates) === JSON.stringify(b.candidates) ? 'identical' : 'DIFFERENT';
// After the first result: the rate once every process has loaded the checkpoint and data.
const row = (label: string, t: Timed, local: Timed, note = '') =>
  console.log(
    `| ${label} | ${t.evaluated} | ${(t.wallMs / 1000).toFixed(1)} | ${(t.evaluated / (t.wallMs / 60000)).toFixed(1)} | ${(t.firstMs / 1000).toFixed(1)} | ` +
      `${((t.evaluated - 1) / ((t.wallMs - t.firstMs) / 60000)).toFixed(1)} | ${same(t, local)} | ${note} |`,
  );

await initEngine({ backend: 'wasm', threads });
const redis = await startRedis();
const children: ChildProcess[] = [redis.child];
try {
  const local = await run(undefined);
  console.log(`search: ${values.device}, population ${values.population}, ${values.generations} generations, ${values['val-images']} validation images, ${values['bn-images']} BN images, wasm ${threads} thread(s) per process`);
  console.log('| run | candidates | wall s | candidates/min | first result s | candidates/min after the first | result vs local | note |');
  console.log('|---|---|---|---|---|---|---|---|');
  row('local (no queue)', local, local);
  for (const n of values.workers!.split(',').map(Number)) {
    const workers = Array.from({ length: n }, (_, i) => startWorker(redis.url, `w${i + 1}`));
    children.push(...workers.map((w) => w.child));
    await Promise.all(workers.map((w) => w.ready));
    const t = await run(redis.url);
    const stalled = t.logs.filter((l) => l.includes('stopped answering')).length;
    row(`${n} worker(s)`, t, local, `tasks per worker ${workers.map((w) => w.done()).join('/')}; stalled tasks ${stalled}`);
    for (const w of workers) w.child.kill('SIGTERM');
  }
  if (values.kill) {
    const workers = [startWorker(redis.url, 'k1'), startWorker(redis.url, 'k2')];
    children.push(...workers.map((w) => w.child));
    await Promise.all(workers.map((w) => w.ready));
    let killed = false;
    const t = await run(redis.url, (done) => {
      if (!killed && done >= local.evaluated / 3) {
        killed = true;
        workers[1]!.child.kill('SIGKILL');
      }
    });
    const stalled = t.logs.filter((l) => l.includes('stopped answering')).length;
    row('2 workers, one killed at 1/3', t, local, `killed k2 after ${workers[1]!.done()} tasks; tasks recovered from it: ${stalled}; k1 did ${workers[0]!.done()}`);
    for (const w of workers) w.child.kill('SIGTERM');
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
