// Side-by-side speed of the reference net: tfjs wasm (1 and 2 threads, and
// 2 data-parallel single-thread replicas for training) and PyTorch
// (2 threads), train and infer, batch 64 by default. Contenders run
// in turn in fresh child processes, `--rounds` times, so a load change on the
// machine hits them alike; the table shows the median over rounds and each
// figure's ratio to PyTorch's. The command for docs/benchmarks.md:
//
//   node --import tsx tools/bench/train-step.ts [--batch 64] [--rounds 3]
//        [--repeats 10] [--warmup 3] [--contenders wasm:1,wasm:2,replicas:2,pytorch]
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
    contenders: { type: 'string', default: 'wasm:1,wasm:2,replicas:2,pytorch' },
    child: { type: 'string' },
    mode: { type: 'string', default: 'train' },
  },
});
const batch = Number(values.batch);
const repeats = Number(values.repeats);
const warmup = Number(values.warmup);

async function runChild(contender: string, mode: 'train' | 'infer'): Promise<void> {
  const [kind, count] = contender.split(':') as [string, string | undefined];
  const replicas = kind === 'replicas' ? Number(count) : 1;
  const backend = kind === 'replicas' ? 'wasm' : (kind as 'wasm' | 'cpu');
  const { initEngine, benchmarkReferenceNet } = await import('@oqat/engine');
  const info = await initEngine({ backend, threads: replicas > 1 ? 1 : Number(count ?? 1) });
  const result = await benchmarkReferenceNet({ batch, mode, repeats, warmup, replicas });
  process.stdout.write(`${JSON.stringify({ ...result, threads: info.threads })}\n`);
  process.exit(0); // the wasm thread pool may keep Node alive
}

const self = fileURLToPath(import.meta.url);
const pythonScript = fileURLToPath(new URL('./reference_net.py', import.meta.url));

function measure(contender: string): Record<'train' | 'infer', number> {
  // Replicas are a training scheme; their inference would be wasm:1's.
  if (contender === 'pytorch') {
    const args = [pythonScript, '--batch', `${batch}`, '--threads', '2', '--repeats', `${repeats}`, '--warmup', `${warmup}`];
    const out = JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8' })) as Record<string, { imagesPerSec: number }>;
    return { train: out.train!.imagesPerSec, infer: out.infer!.imagesPerSec };
  }
  const run = (mode: string) => {
    const args = ['--import', 'tsx', self, '--child', contender, '--mode', mode, '--batch', `${batch}`];
    args.push('--repeats', `${repeats}`, '--warmup', `${warmup}`);
    const line = execFileSync(process.execPath, args, { encoding: 'utf8' }).trim().split('\n').pop()!;
    return (JSON.parse(line) as { imagesPerSec: number }).imagesPerSec;
  };
  return { train: run('train'), infer: contender.startsWith('replicas') ? Number.NaN : run('infer') };
}

function contenderName(contender: string): string {
  const [kind, count] = contender.split(':');
  if (kind === 'replicas') return `tfjs wasm, ${count} replicas x 1 thread`;
  return `tfjs ${kind}, ${count ?? 1} thread${count === '1' ? '' : 's'}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function main(): void {
  const contenders = values.contenders!.split(',');
  const samples = new Map<string, { train: number[]; infer: number[] }>();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const contender of contenders) {
      const m = measure(contender);
      const s = samples.get(contender) ?? { train: [], infer: [] };
      s.train.push(m.train);
      s.infer.push(m.infer);
      samples.set(contender, s);
      process.stderr.write(`round ${round + 1}: ${contender} train ${m.train.toFixed(1)} infer ${m.infer.toFixed(1)} img/s\n`);
    }
  }
  const torch = samples.get('pytorch');
  const lines = [
    `Reference net, batch ${batch}, median of ${values.rounds} rounds (each: median of ${repeats} steps after ${warmup} warm-up)`,
    '',
    '| backend | mode | images/s | × PyTorch (2 threads) |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const mode of ['train', 'infer'] as const) {
    for (const [contender, s] of samples) {
      const value = median(s[mode]);
      if (Number.isNaN(value)) continue;
      const ratio = torch ? (value / median(torch[mode])).toFixed(2) : 'n/a';
      const name = contender === 'pytorch' ? 'PyTorch (2 threads)' : contenderName(contender);
      lines.push(`| ${name} | ${mode} | ${value.toFixed(0)} | ${ratio} |`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (values.child) await runChild(values.child, values.mode as 'train' | 'infer');
else main();
