/**
 * Issue 19's figure: one search run locally, then on 1, 2, 4 `oqat worker`
 * processes through a private redis-server, and once more on 2 workers with
 * one killed (SIGKILL) a third of the way in (inside a generation, so that it
 * holds a task). Per run: wall time, candidates
 * measured per minute, time to the first result, and whether the result (the
 * fronts, every measured candidate's accuracy and generation) equals the
 * local run's.
 *
 * Without --netns the workers are plain processes on this host talking to
 * Redis on 127.0.0.1. With --netns (root, Linux) each worker is a simulated
 * host (./netns-hosts.ts): its own network namespace, reached through a veth
 * link on a bridge; Redis listens on the bridge's address and the workers use
 * redis://BRIDGE_IP:PORT. Before timing, the bench proves the separation: from
 * a worker's namespace 127.0.0.1:PORT is refused while the coordinator's
 * 127.0.0.1:PORT answers, and an `oqat worker` given the loopback URL there
 * stops with its unreachable-queue line. The hosts still share this machine's
 * cores, memory and files (the checkpoint path), and the links add no latency
 * (no tc netem in this kernel).
 *
 * A worker's lock (--lock-seconds) must outlast its longest synchronous
 * stretch (one subnet's evaluation); a shorter one makes BullMQ count the
 * task as stalled and run it twice (the result is the same, the time is not).
 * A killed worker's task comes back after about 1.25x the lock.
 *
 *   node --import tsx tools/bench/queue-search.ts --ckpt supernet.ckpt [--workers 1,2,4] [--population 8]
 *        [--generations 2] [--val-images 500] [--bn-images 250] [--device fpga] [--threads 1] [--kill]
 *        [--lock-seconds 45] [--netns]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initEngine } from '@oqat/engine';
import { DEFAULT_VALIDATION, searchJob, type SearchJobInput, type SearchJobResult } from '@oqat/jobs';
import type { JobContext, NewCandidate } from '@oqat/runs';
import type { SearchEvent, SubnetSpec } from '@oqat/search';
import { canConnect, createLan, removeStaleLans, type SimulatedHost, type SimulatedLan } from './netns-hosts';

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
    netns: { type: 'boolean', default: false },
  },
});
if (!values.ckpt) throw new Error('--ckpt supernet.ckpt is required');
const threads = Number(values.threads);
const lockSeconds = Number(values['lock-seconds']);
const population = Number(values.population);
const cli = resolve(import.meta.dirname, '../../apps/cli/bin/oqat.mjs');
const dir = mkdtempSync(join(tmpdir(), 'oqat-queue-bench-'));
const input = (queue?: string): SearchJobInput => ({
  checkpoint: resolve(values.ckpt!), devices: [values.device as SearchJobInput['devices'][number]], generations: Number(values.generations),
  population, seed: 1, backend: 'wasm', threads, validation: DEFAULT_VALIDATION,
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

// Without a LAN: Redis on 127.0.0.1. With one: on the bridge's address, and on 127.0.0.1 too so that the
// separation check has something on the coordinator's loopback that a worker must not reach.
async function startRedis(lan?: SimulatedLan): Promise<{ url: string; port: number; child: ChildProcess }> {
  const port = await freePort();
  const bind = lan ? [lan.coordinatorIp, '127.0.0.1'] : ['127.0.0.1'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', bind.join(' '), '--protected-mode', 'no', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready) => child.stdout!.on('data', (c: Buffer) => c.toString().includes('Ready to accept') && ready()));
  child.stdout!.resume();
  return { url: `redis://${bind[0]}:${port}`, port, child };
}

function startWorker(url: string, name: string, host?: SimulatedHost): { child: ChildProcess; ready: Promise<void>; done: () => number } {
  const args = [cli, 'worker', '--queue', url, '--name', name, '--backend', 'wasm', '--threads', String(threads), '--lock-seconds', String(lockSeconds)];
  const options = { stdio: ['ignore', 'ignore', 'pipe'] as ('ignore' | 'pipe')[] };
  const child = host ? host.spawn(process.execPath, args, options) : spawn(process.execPath, args, options);
  let err = '';
  let done = 0;
  const ready = new Promise<void>((ok, fail) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      done = (err.match(/ done in /g) ?? []).length;
      if (err.includes('serving')) ok();
    });
    child.on('exit', (code) => fail(new Error(`worker ${name} exited (${code}) before serving: ${err.trim().split('\n').pop()}`)));
  });
  return { child, ready, done: () => done };
}

/** Proves the hosts' separation before any timing; throws if a host reaches the coordinator's loopback. */
async function checkSeparation(lan: SimulatedLan, redis: { url: string; port: number }): Promise<void> {
  const host = lan.hosts[0] ?? lan.addHost();
  const loopback = `127.0.0.1:${redis.port}`;
  const checks = [
    { what: `coordinator -> ${loopback}`, want: true, got: canConnect('127.0.0.1', redis.port) },
    { what: `${host.name} (${host.ip}) -> ${lan.coordinatorIp}:${redis.port}`, want: true, got: host.canConnect(lan.coordinatorIp, redis.port) },
    { what: `${host.name} (${host.ip}) -> ${loopback}`, want: false, got: host.canConnect('127.0.0.1', redis.port) },
  ];
  for (const c of checks) console.log(`separation: ${c.what}: ${c.got ? 'connects' : 'refused'}`);
  if (checks.some((c) => c.got !== c.want)) throw new Error('the simulated hosts are not separated as expected (see the lines above)');
  // The product's own view: a worker in that namespace given the coordinator's loopback URL cannot start.
  const args = [cli, 'worker', '--queue', `redis://${loopback}`, '--name', 'probe', '--backend', 'wasm', '--threads', '1'];
  const probe = host.spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  probe.stderr!.on('data', (c: Buffer) => void (err += c.toString()));
  const code = await new Promise<number | null>((done) => probe.on('exit', done));
  const line = err.trim().split('\n').pop() ?? '';
  console.log(`separation: oqat worker --queue redis://${loopback} in ${host.name}: exit ${code}: ${line}`);
  if (code === 0 || err.includes('serving')) throw new Error(`a worker in ${host.name} reached the coordinator's loopback`);
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
// "load" in the notes: the 1-min load average before -> after the run (os.loadavg, as uptime shows).
// After the first result: the rate once every process has loaded the checkpoint and data.
const row = (label: string, t: Timed, local: Timed, note = '') =>
  console.log(
    `| ${label} | ${t.evaluated} | ${(t.wallMs / 1000).toFixed(1)} | ${(t.evaluated / (t.wallMs / 60000)).toFixed(1)} | ${(t.firstMs / 1000).toFixed(1)} | ` +
      `${((t.evaluated - 1) / ((t.wallMs - t.firstMs) / 60000)).toFixed(1)} | ${same(t, local)} | ${note} |`,
  );

const load = () => loadavg()[0]!.toFixed(1);
await initEngine({ backend: 'wasm', threads });
const children: ChildProcess[] = [];
let lan: SimulatedLan | undefined;
// Runs on normal exit, on an uncaught error and (through netns-hosts' signal handler) on SIGINT/SIGTERM.
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  lan?.close();
  rmSync(dir, { recursive: true, force: true });
});
if (values.netns) {
  const stale = removeStaleLans();
  if (stale.length) console.log(`removed what killed runs left: ${stale.join(' ')}`);
  try {
    lan = createLan();
  } catch (e) {
    console.error(`--netns: ${(e as Error).message}`);
    process.exit(1);
  }
}
const redis = await startRedis(lan);
children.push(redis.child);
// Host i serves worker i of every run (the killed run's k1, k2 on hosts 1 and 2).
const hostFor = (i: number): SimulatedHost | undefined => (lan ? (lan.hosts[i] ?? lan.addHost()) : undefined);
try {
  if (lan) await checkSeparation(lan, redis);
  const localBefore = load();
  const local = await run(undefined);
  console.log(`search: ${values.device}, population ${values.population}, ${values.generations} generations, ${values['val-images']} validation images, ${values['bn-images']} BN images, wasm ${threads} thread(s) per process`);
  console.log(
    lan
      ? `workers: one network namespace each (simulated hosts ${Array.from({ length: Math.max(...values.workers!.split(',').filter(Boolean).map(Number), 2) }, (_, i) => hostFor(i)!.ip).join(', ')}), Redis at ${redis.url}`
      : `workers: processes on this host, Redis at ${redis.url}`,
  );
  console.log('| run | candidates | wall s | candidates/min | first result s | candidates/min after the first | result vs local | note |');
  console.log('|---|---|---|---|---|---|---|---|');
  row('local (no queue)', local, local, `load ${localBefore}->${load()}`);
  for (const n of values.workers!.split(',').filter(Boolean).map(Number)) {
    const workers = Array.from({ length: n }, (_, i) => startWorker(redis.url, `w${i + 1}`, hostFor(i)));
    children.push(...workers.map((w) => w.child));
    await Promise.all(workers.map((w) => w.ready));
    const before = load();
    const t = await run(redis.url);
    const stalled = t.logs.filter((l) => l.includes('stopped answering')).length;
    row(`${n} worker(s)`, t, local, `tasks per worker ${workers.map((w) => w.done()).join('/')}; stalled tasks ${stalled}; load ${before}->${load()}`);
    for (const w of workers) w.child.kill('SIGTERM');
  }
  if (values.kill) {
    const workers = [startWorker(redis.url, 'k1', hostFor(0)), startWorker(redis.url, 'k2', hostFor(1))];
    children.push(...workers.map((w) => w.child));
    await Promise.all(workers.map((w) => w.ready));
    const before = load();
    let killed = false;
    const t = await run(redis.url, (done) => {
      // Past a third, and inside a generation (not at its end, when the queue is empty and k2 may be idle).
      if (!killed && done >= local.evaluated / 3 && done % population !== 0) {
        killed = true;
        workers[1]!.child.kill('SIGKILL');
      }
    });
    const stalled = t.logs.filter((l) => l.includes('stopped answering')).length;
    row('2 workers, one killed at 1/3', t, local, `${killed ? '' : 'NOT KILLED; '}killed k2 after ${workers[1]!.done()} tasks; tasks recovered from it: ${stalled}; k1 did ${workers[0]!.done()}; load ${before}->${load()}`);
    for (const w of workers) w.child.kill('SIGTERM');
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
  lan?.close();
}
process.exit(0);
