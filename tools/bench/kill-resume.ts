/**
 * Kill -9 during training, then `oqat resume`: does the resumed run end
 * where an uninterrupted run with the same seed ends? Runs the real CLI in
 * child processes on two fresh run stores: A trains uninterrupted; B is
 * killed (SIGKILL to the CLI process, whose worker then stops) once its
 * progress passes --kill-at, then resumed with `oqat resume`. Both are
 * measured with `oqat eval` (largest and smallest subnet, whole test split).
 *
 *   node --import tsx tools/bench/kill-resume.ts [--kill-at 0.6] [--dir /tmp/kill-resume]
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'kill-at': { type: 'string', default: '0.6' }, dir: { type: 'string', default: '/tmp/kill-resume' } } });
const killAt = Number(values['kill-at']);
const dir = resolve(values.dir!);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const bin = resolve(import.meta.dirname, '../../apps/cli/bin/oqat.mjs');
const TRAIN = ['train', '--dataset', 'subset', '--bits', '4,2', '--epochs-float', '1', '--epochs', '1', '--epochs-inherited', '1',
  '--limit-train', '1024', '--eval-images', '200', '--no-search', '--backend', 'wasm', '--seed', '3', '--json'];

interface RunEvent { runId: string; kind: string; payload: Record<string, unknown> }

/** Runs `oqat args`; calls onEvent for each NDJSON line; resolves with the exit code (null when killed). */
function oqat(args: string[], onEvent?: (e: RunEvent, kill: () => void) => void): Promise<{ code: number | null; lines: RunEvent[] }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: RunEvent[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const e = JSON.parse(buffer.slice(0, i)) as RunEvent;
        buffer = buffer.slice(i + 1);
        lines.push(e);
        onEvent?.(e, () => child.kill('SIGKILL'));
      }
    });
    child.on('error', fail);
    child.on('exit', (code) => done({ code, lines }));
  });
}

function evalRun(db: string, runId: string, subnet: string): Promise<{ top1: number; loss: number }> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [bin, 'eval', '--run', runId, '--db', db, '--subnet', subnet, '--bn-images', '1000', '--backend', 'wasm', '--json'],
      { encoding: 'utf8' }, (err, stdout) => (err ? fail(err) : done(JSON.parse(stdout.trim()))));
  });
}

const runIdOf = (lines: RunEvent[]): string => lines.find((e) => e.runId)!.runId;
const t0 = performance.now();
const seconds = (): string => ((performance.now() - t0) / 1000).toFixed(0);

const dbA = join(dir, 'a.db');
const a = await oqat([...TRAIN, '--db', dbA]);
console.error(`[${seconds()} s] uninterrupted run finished with exit ${a.code}`);

const dbB = join(dir, 'b.db');
let killedAt = '';
const b = await oqat([...TRAIN, '--db', dbB], (e, kill) => {
  const p = e.payload;
  if (!killedAt && e.kind === 'progress' && typeof p.current === 'number' && (p.current as number) >= killAt * (p.total as number)) {
    killedAt = `${p.current}/${p.total}`;
    kill();
  }
});
console.error(`[${seconds()} s] second run killed (exit ${b.code}) at step ${killedAt}`);
const idB = runIdOf(b.lines);
// The worker finishes its current step after its parent dies; until it exits the run still shows as running.
let resumed = await oqat(['resume', idB, '--db', dbB, '--json']);
for (let i = 0; i < 15 && resumed.code === 3; i++) {
  await new Promise((r) => setTimeout(r, 2000));
  resumed = await oqat(['resume', idB, '--db', dbB, '--json']);
}
console.error(`[${seconds()} s] resumed run finished with exit ${resumed.code}`);

const idA = runIdOf(a.lines);
const rows: string[] = [];
for (const subnet of ['largest', 'smallest']) {
  const [x, y] = [await evalRun(dbA, idA, subnet), await evalRun(dbB, idB, subnet)];
  rows.push(`| ${subnet} (2 bit) | ${(100 * x.top1).toFixed(2)} % / ${x.loss.toFixed(6)} | ${(100 * y.top1).toFixed(2)} % / ${y.loss.toFixed(6)} | ${x.top1 === y.top1 && x.loss === y.loss ? 'yes' : 'no'} |`);
}
console.log(`killed at step ${killedAt} (SIGKILL to the CLI), resumed with oqat resume\n`);
console.log('| subnet | uninterrupted: top-1 / loss | killed + resumed: top-1 / loss | identical |\n|---|---|---|---|');
console.log(rows.join('\n'));
