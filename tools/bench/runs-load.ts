/**
 * Run store under load: N processes write metric batches to one SQLite file for
 * a fixed time, then the parent reads every run back and compares row counts.
 *
 *   node --import tsx tools/bench/runs-load.ts [--procs 4] [--seconds 60] [--batch 20] [--no-events] [--db FILE] [--json]
 *
 * Each writer is a separate Node process with its own RunStore (one write queue
 * per process), writing like the job runner does: one recordMetrics call at a
 * time (metric rows + one `metric` event per batch; --no-events: rows only), a heartbeat every 2 s.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRunStore } from '@oqat/runs';

interface WriterReport {
  readonly index: number;
  readonly runId: string;
  readonly metricsWritten: number;
  readonly batchesWritten: number;
  readonly failedBatches: number;
  readonly firstError?: string;
  readonly batchMs: { readonly p50: number; readonly p95: number; readonly max: number };
}

const NAMES = ['loss', 'accuracy', 'lr', 'bits'] as const;

function flag(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function writer(db: string, index: number, seconds: number, batch: number, event: boolean): Promise<WriterReport> {
  const store = await openRunStore({ path: db });
  const run = await store.createRun({ kind: 'bench-load', config: { index, batch, seconds } });
  await store.markRunning(run.id, process.pid);
  const heartbeat = setInterval(() => void store.heartbeat(run.id), 2_000);
  const deadline = Date.now() + seconds * 1_000;
  const latencies: number[] = [];
  let metricsWritten = 0;
  let failedBatches = 0;
  let firstError: string | undefined;
  for (let step = 0; Date.now() < deadline; step++) {
    const points = Array.from({ length: batch }, (_, i) => ({
      name: NAMES[i % NAMES.length],
      value: step + i / batch,
      step: step * batch + i,
      phase: `p${index}`,
    }));
    const t0 = performance.now();
    try {
      await store.recordMetrics(run.id, points, { event });
      metricsWritten += batch;
      latencies.push(performance.now() - t0);
    } catch (err) {
      failedBatches++;
      firstError ??= err instanceof Error ? err.message : String(err);
    }
  }
  clearInterval(heartbeat);
  await store.markFinished(run.id, { metricsWritten });
  await store.close();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    index,
    runId: run.id,
    metricsWritten,
    batchesWritten: latencies.length,
    failedBatches,
    firstError,
    batchMs: { p50: round(quantile(latencies, 0.5)), p95: round(quantile(latencies, 0.95)), max: round(latencies.at(-1) ?? 0) },
  };
}

function runWriter(db: string, index: number, seconds: number, batch: number, event: boolean): Promise<WriterReport> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, self, '--child', db, String(index), String(seconds), String(batch), String(event)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as WriterReport) : reject(new Error(`writer ${index} exited with ${code}`))));
  });
}

async function main(args: readonly string[]): Promise<void> {
  if (args[0] === '--child') {
    const [db, index, seconds, batch, event] = args.slice(1);
    const report = await writer(db, Number(index), Number(seconds), Number(batch), event === 'true');
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const procs = Number(flag(args, 'procs', '4'));
  const seconds = Number(flag(args, 'seconds', '60'));
  const batch = Number(flag(args, 'batch', '20'));
  const event = !args.includes('--no-events');
  const tempDir = args.includes('--db') ? undefined : await mkdtemp(join(tmpdir(), 'oqat-runs-load-'));
  const db = tempDir ? join(tempDir, 'runs.db') : flag(args, 'db', '');

  await (await openRunStore({ path: db })).close(); // schema first, so writers only race on writes
  const t0 = Date.now();
  const reports = await Promise.all(Array.from({ length: procs }, (_, i) => runWriter(db, i, seconds, batch, event)));
  const wallSeconds = (Date.now() - t0) / 1_000;

  const store = await openRunStore({ path: db });
  const rows = [];
  for (const r of reports) {
    const readBack = await store.countMetrics(r.runId);
    const metricEvents = (await store.readEvents(r.runId, 0, 1e9)).filter((e) => e.kind === 'metric').length;
    const status = (await store.getRun(r.runId)).status;
    rows.push({ ...r, readBack, metricEvents, status });
  }
  const problems = await store.integrityCheck();
  await store.close();
  const sizeBytes = (await stat(db)).size;
  if (tempDir) await rm(tempDir, { recursive: true, force: true });

  const written = rows.reduce((a, r) => a + r.metricsWritten, 0);
  const readBack = rows.reduce((a, r) => a + r.readBack, 0);
  const summary = {
    procs, seconds, batch, metricEvents: event, wallSeconds, written, readBack, equal: written === readBack,
    metricsPerSecond: Math.round(readBack / seconds), failedBatches: rows.reduce((a, r) => a + r.failedBatches, 0),
    integrity: problems.length === 0 ? 'ok' : problems.slice(0, 3).join('; '), dbSizeBytes: sizeBytes,
  };
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ summary, writers: rows })}\n`);
    return;
  }
  const lines = [
    `| writer | metrics written | read back | batches | metric events | failed batches | batch p50 / p95 / max ms | status |`,
    `|---|---|---|---|---|---|---|---|`,
    ...rows.map((r) => `| ${r.index} | ${r.metricsWritten} | ${r.readBack} | ${r.batchesWritten} | ${r.metricEvents} | ${r.failedBatches} | ${r.batchMs.p50} / ${r.batchMs.p95} / ${r.batchMs.max} | ${r.status} |`),
    `| **all** | **${written}** | **${readBack}** | | | ${summary.failedBatches} | | |`,
    '',
    `${procs} processes × ${seconds} s, batch ${batch}${event ? '' : ' (no metric events)'}: written ${written}, read back ${readBack} (${summary.equal ? 'equal' : 'DIFFERENT'}), ` +
      `${summary.metricsPerSecond} metrics/s, integrity_check ${summary.integrity}, file ${(sizeBytes / 1e6).toFixed(1)} MB (${Math.round(sizeBytes / Math.max(1, readBack))} B/metric), wall ${wallSeconds.toFixed(1)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!summary.equal || summary.failedBatches > 0 || problems.length > 0) process.exitCode = 1;
}

await main(process.argv.slice(2));
