// Side-by-side speed of the reference net: tfjs wasm (1 and 2 threads, and
// 2 data-parallel single-thread replicas for training), tfjs-node's
// `tensorflow` backend where it is installed (`tensorflow:N`: N intra-op
// threads via TF_NUM_INTRAOP_THREADS; tools/tfjs-node builds it offline) and
// PyTorch (1 and 2 threads), train and infer, batch 64 by default. Contenders run in turn in
// fresh child processes, `--rounds` times, so a load change on the machine
// hits them alike. Two tables: wall-clock images/s (the figure; ratio to
// PyTorch with 2 threads) and images per CPU-second (process CPU time of all
// threads, which other load on the machine barely moves; ratio to PyTorch
// with 1 thread: per-core efficiency). The command for docs/benchmarks.md:
//
//   node --import tsx tools/bench/train-step.ts [--batch 64] [--rounds 3]
//        [--repeats 10] [--warmup 3]
//        [--contenders wasm:1,wasm:2,replicas:2,pytorch:1,pytorch:2]   (also tensorflow:1, tensorflow:2)
//
// A child (`--child wasm:2 --mode train`) prints one JSON line.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    contenders: { type: 'string', default: 'wasm:1,wasm:2,replicas:2,pytorch:1,pytorch:2' },
    child: { type: 'string' },
    mode: { type: 'string', default: 'train' },
  },
});
const batch = Number(values.batch);
const repeats = Number(values.repeats);
const warmup = Number(values.warmup);
const MODES = ['train', 'infer'] as const;
type Mode = (typeof MODES)[number];
interface Sample {
  imagesPerSec: number;
  cpuMs: number;
}

async function runChild(contender: string, mode: Mode): Promise<void> {
  const [kind, count] = contender.split(':') as [string, string | undefined];
  const replicas = kind === 'replicas' ? Number(count) : 1;
  const backend = kind === 'replicas' ? 'wasm' : (kind as 'wasm' | 'cpu' | 'tensorflow');
  const { initEngine, benchmarkReferenceNet } = await import('@oqat/engine');
  const info = await initEngine({ backend, threads: replicas > 1 ? 1 : Number(count ?? 1) });
  const result = await benchmarkReferenceNet({ batch, mode, repeats, warmup, replicas });
  const threads = backend === 'tensorflow' ? Number(count ?? 1) : info.threads;
  process.stdout.write(`${JSON.stringify({ ...result, threads })}\n`);
  process.exit(0); // the wasm thread pool may keep Node alive
}

const self = fileURLToPath(import.meta.url);
const pythonScript = fileURLToPath(new URL('./reference_net.py', import.meta.url));

function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface RunResult {
  imagesPerSec: number;
  cpuMsPerStep: number[];
}
const sample = (r: RunResult): Sample => ({ imagesPerSec: r.imagesPerSec, cpuMs: median(r.cpuMsPerStep) });
const none: Sample = { imagesPerSec: Number.NaN, cpuMs: Number.NaN };

function measure(contender: string): Record<Mode, Sample> {
  const [kind, count] = contender.split(':');
  if (kind === 'pytorch') {
    const args = [pythonScript, '--batch', `${batch}`, '--threads', count ?? '2', '--repeats', `${repeats}`, '--warmup', `${warmup}`];
    const out = JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8' })) as Record<Mode, RunResult>;
    return { train: sample(out.train), infer: sample(out.infer) };
  }
  const run = (mode: Mode) => {
    const args = ['--import', 'tsx', self, '--child', contender, '--mode', mode, '--batch', `${batch}`];
    args.push('--repeats', `${repeats}`, '--warmup', `${warmup}`);
    // TensorFlow reads its thread pools' sizes from the environment when its context starts.
    const env = kind === 'tensorflow' ? { ...process.env, TF_NUM_INTRAOP_THREADS: count ?? '1', TF_NUM_INTEROP_THREADS: '1' } : process.env;
    const line = execFileSync(process.execPath, args, { encoding: 'utf8', env }).trim().split('\n').pop()!;
    return sample(JSON.parse(line) as RunResult);
  };
  // Replicas are a training scheme; their inference would be wasm:1's.
  return { train: run('train'), infer: kind === 'replicas' ? none : run('infer') };
}

function contenderName(contender: string): string {
  const [kind, count] = contender.split(':');
  if (kind === 'replicas') return `tfjs wasm, ${count} replicas x 1 thread`;
  const threads = `${count ?? 1} thread${count === '1' ? '' : 's'}`;
  if (kind === 'tensorflow') return `tfjs-node (tensorflow), ${threads}`;
  return kind === 'pytorch' ? `PyTorch, ${threads}` : `tfjs ${kind}, ${threads}`;
}

function table(samples: Map<string, Sample[][]>, title: string, column: string, value: (s: Sample) => number, base: string): string[] {
  const baseline = samples.get(base);
  const lines = ['', title, '', `| backend | mode | ${column} | × ${contenderName(base)} |`, '| --- | --- | ---: | ---: |'];
  for (const [m, mode] of MODES.entries()) {
    for (const [contender, rounds] of samples) {
      const v = median(rounds.map((r) => value(r[m]!)));
      if (Number.isNaN(v)) continue;
      const ratio = baseline ? (v / median(baseline.map((r) => value(r[m]!)))).toFixed(2) : 'n/a';
      lines.push(`| ${contenderName(contender)} | ${mode} | ${v.toFixed(0)} | ${ratio} |`);
    }
  }
  return lines;
}

function main(): void {
  const contenders = values.contenders!.split(',');
  const samples = new Map<string, Sample[][]>(contenders.map((c) => [c, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const contender of contenders) {
      const m = measure(contender);
      samples.get(contender)!.push([m.train, m.infer]);
      const fmt = (s: Sample) => `${s.imagesPerSec.toFixed(1)} img/s, ${s.cpuMs.toFixed(0)} cpu-ms/step`;
      process.stderr.write(`round ${round + 1}: ${contender} train ${fmt(m.train)}; infer ${fmt(m.infer)}\n`);
    }
  }
  const head = `Reference net, batch ${batch}, median of ${values.rounds} rounds (each: median of ${repeats} steps after ${warmup} warm-up)`;
  const lines = [
    head,
    ...table(samples, 'Wall clock', 'images/s', (s) => s.imagesPerSec, 'pytorch:2'),
    ...table(samples, 'Per CPU-second (all threads)', 'images per CPU-s', (s) => (batch / s.cpuMs) * 1000, 'pytorch:1'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (values.child) await runChild(values.child, values.mode as Mode);
else main();
