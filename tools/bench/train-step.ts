// Side-by-side speed of the reference net: tfjs wasm (1 and 2 threads) and
// PyTorch (2 threads), train and infer, batch 64 by default. Contenders run
// in turn in fresh child processes, `--rounds` times, so a load change on the
// machine hits them alike; the table shows the median over rounds and each
// figure's ratio to PyTorch's. The command for docs/benchmarks.md:
//
//   node --import tsx tools/bench/train-step.ts [--batch 64] [--rounds 3]
//        [--repeats 10] [--warmup 3] [--contenders wasm:1,wasm:2,pytorch]
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
    contenders: { type: 'string', default: 'wasm:1,wasm:2,pytorch' },
    child: { type: 'string' },
    mode: { type: 'string', default: 'train' },
  },
});
const batch = Number(values.batch);
const repeats = Number(values.repeats);
const warmup = Number(values.warmup);

async function runChild(contender: string, mode: 'train' | 'infer'): Promise<void> {
  const [backend, threads] = contender.split(':') as ['wasm' | 'cpu', string | undefined];
  const { initEngine, benchmarkReferenceNet } = await import('@oqat/engine');
  const info = await initEngine({ backend, threads: Number(threads ?? 1) });
  const result = await benchmarkReferenceNet({ batch, mode, repeats, warmup });
  process.stdout.write(`${JSON.stringify({ ...result, threads: info.threads })}\n`);
  process.exit(0); // the wasm thread pool may keep Node alive
}

const self = fileURLToPath(import.meta.url);
const pythonScript = fileURLToPath(new URL('./reference_net.py', import.meta.url));

function measure(contender: string): Record<'train' | 'infer', number> {
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
  return { train: run('train'), infer: run('infer') };
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
      const ratio = torch ? (value / median(torch[mode])).toFixed(2) : 'n/a';
      const name = contender === 'pytorch' ? 'PyTorch (2 threads)' : `tfjs ${contender.replace(':', ', ')} thread(s)`;
      lines.push(`| ${name} | ${mode} | ${value.toFixed(0)} | ${ratio} |`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (values.child) await runChild(values.child, values.mode as 'train' | 'infer');
else main();
