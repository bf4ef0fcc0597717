/**
 * Speed of one OQAT training step on this machine against a PyTorch twin of
 * the same supernet (tools/bench/supernet_twin.py, run by /usr/bin/python3 in
 * the same run): the largest and smallest subnet alone, and a whole sandwich
 * step (largest, smallest, two random, in-place distillation), in float and
 * at 4 bit, for the default Fashion-MNIST space. Every step is forward +
 * backward + an SGD (Nesterov) update, batch 64 of 28x28x1 images resized
 * to the subnet's resolution. Rounds alternate between our steps and the
 * twin's; each round times --repeats steps after a warm-up and keeps their
 * median; the table gives the median over rounds and the ratio to PyTorch.
 * Without torch the twin is skipped with a message. The twin runs
 * channels_last (NHWC, PyTorch's faster layout here) unless --torch-nchw.
 * --profile prints the costliest kernels (tf.profile) of the largest
 * subnet's step.
 *
 *   node --import tsx tools/bench/supernet-step.ts [--batch 64] [--rounds 3] [--repeats 5]
 *        [--backend wasm] [--threads 2] [--torch-threads 2] [--torch-nchw] [--no-twin] [--profile]
 *
 * --backend tensorflow runs our steps on tfjs-node (its threads:
 * TF_NUM_INTRAOP_THREADS; tools/tfjs-node builds it offline).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initEngine, tf, type BackendRequest, type Tensor } from '@oqat/engine';
import {
  FASHION_MNIST_SPACE as space, labelLoss, largestSubnet, lsqQuantFactory, MobileNetV3Supernet, sandwichStep, SgdNesterov, smallestSubnet,
  type SubnetSpec,
} from '@oqat/search';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    'torch-threads': { type: 'string', default: '2' },
    'no-twin': { type: 'boolean', default: false },
    'torch-nchw': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const batch = Number(values.batch);
const rounds = Number(values.rounds);
const repeats = Number(values.repeats);
const info = await initEngine({ backend: values.backend as BackendRequest, ...(values.threads ? { threads: Number(values.threads) } : {}) });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const net = new MobileNetV3Supernet(space, { seed: 1, quant: lsqQuantFactory });
const images = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 1);
const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
const optimizer = new SgdNesterov({ momentum: 0.9, nesterov: true, weightDecay: 4e-5 });
const LR = 0.01;
let stepIndex = 0;
/** time spent in the optimizer's update during the current step (it is the product's, in packages/search/src/train) */
let updateMs = 0;
function update(params: ReturnType<typeof net.params>, grads: ReadonlyMap<string, Tensor>): void {
  const t = performance.now();
  optimizer.apply(params, grads, LR);
  updateMs += performance.now() - t;
}

/** Gradients of one subnet alone (label-smoothed cross entropy), then one optimizer update. */
function subnetStep(spec: SubnetSpec): void {
  net.setActive(spec);
  const params = net.params();
  const ctx = { mode: 'train' as const, dropoutSeed: stepIndex++ };
  const { value, grads } = tf.variableGrads(() => labelLoss(net.forward(images, ctx), labels, 0.1) as tf.Scalar, params.map((p) => p.variable));
  const byName = new Map(params.map((p) => [p.name, grads[p.variable.name]!] as [string, Tensor]).filter(([, g]) => g));
  update(params, byName);
  tf.dispose([value, ...Object.values(grads)]);
}

function sandwich(bits: number): void {
  const r = sandwichStep(net, images, labels, { bits, randomSubnets: 2, distill: true, labelSmoothing: 0.1, seed: 1, phaseIndex: 0, phaseStep: stepIndex++ });
  update(net.params(), r.grads);
  for (const g of r.grads.values()) g.dispose();
}

const STEPS: Record<string, (bits: number) => void> = {
  largest: (bits) => subnetStep(largestSubnet(space, bits)),
  smallest: (bits) => subnetStep(smallestSubnet(space, bits)),
  sandwich,
};
const KEYS = ['largest:32', 'smallest:32', 'sandwich:32', 'largest:4', 'smallest:4', 'sandwich:4'];
const run = (key: string) => {
  const [name, bits] = key.split(':') as [string, string];
  STEPS[name]!(Number(bits));
};

interface Timing {
  ms: number;
  /** process CPU time of all threads: robust to other load on the machine */
  cpuMs: number;
  /** of ms, the optimizer's update (ours only) */
  updateMs?: number;
}

/** Medians of `repeats` steps after one warm-up step. */
function time(key: string): Timing {
  run(key);
  const ts: number[] = [];
  const cpu: number[] = [];
  const updates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const [t, c] = [performance.now(), process.cpuUsage()];
    updateMs = 0;
    run(key);
    ts.push(performance.now() - t);
    updates.push(updateMs);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(ts), cpuMs: median(cpu), updateMs: median(updates) };
}

const twinScript = fileURLToPath(new URL('./supernet_twin.py', import.meta.url));
/** Medians per step of one twin run, or the reason it cannot run. */
function twinRound(): Record<string, Timing> | string {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return 'PyTorch (python3-torch for /usr/bin/python3) is not installed: the twin is skipped';
  }
  const args = [twinScript, '--batch', `${batch}`, '--threads', values['torch-threads']!, '--repeats', `${repeats}`, '--steps', KEYS.join(',')];
  // channels_last is PyTorch's faster layout on CPU here (1.7x on the largest subnet), and ours (NHWC).
  if (!values['torch-nchw']) args.push('--channels-last');
  const out = JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8' })) as {
    steps: Record<string, { msPerStep: number[]; cpuMsPerStep: number[] }>;
  };
  return Object.fromEntries(Object.entries(out.steps).map(([k, s]) => [k, { ms: median(s.msPerStep), cpuMs: median(s.cpuMsPerStep) }]));
}

const ours: Record<string, Timing[]> = Object.fromEntries(KEYS.map((k) => [k, []]));
const twin: Record<string, Timing[]> = Object.fromEntries(KEYS.map((k) => [k, []]));
let twinSkipped: string | undefined = values['no-twin'] ? 'twin skipped (--no-twin)' : undefined;
for (let r = 0; r < rounds; r++) {
  for (const key of KEYS) ours[key]!.push(time(key));
  if (twinSkipped) continue;
  const t = twinRound();
  if (typeof t === 'string') twinSkipped = t;
  else for (const key of KEYS) twin[key]!.push(t[key]!);
  console.error(`round ${r + 1}/${rounds} done`);
}

const ips = (ms: number) => ((batch * 1000) / ms).toFixed(0);
const med = (ts: Timing[], f: keyof Timing) => median(ts.map((t) => t[f] ?? 0));
const ourThreads = info.backend === 'tensorflow' ? `TF_NUM_INTRAOP_THREADS=${process.env.TF_NUM_INTRAOP_THREADS ?? 'default'}` : `x${info.threads}`;
console.log(`${info.backend} ${ourThreads}, PyTorch x${values['torch-threads']} ${values['torch-nchw'] ? 'NCHW' : 'channels_last'}, batch ${batch}, median of ${rounds} rounds x ${repeats} steps\n`);
if (twinSkipped) console.log(`${twinSkipped}\n`);
console.log('| step | bits | ours img/s | PyTorch img/s | x PyTorch | ours img per CPU-s | PyTorch img per CPU-s | x PyTorch |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const key of KEYS) {
  const [name, bits] = key.split(':');
  const cells = (['ms', 'cpuMs'] as const).flatMap((f) => {
    const o = med(ours[key]!, f);
    const p = twin[key]!.length ? med(twin[key]!, f) : undefined;
    return p === undefined ? [ips(o), '–', '–'] : [ips(o), ips(p), (p / o).toFixed(2)];
  });
  console.log(`| ${name} | ${bits} | ${cells.join(' | ')} |`);
}
console.log(`\nof our step time, the SGD update (SgdNesterov.apply): ${KEYS.map((k) => `${k} ${med(ours[k]!, 'updateMs').toFixed(0)} ms`).join(', ')}`);
for (const name of ['largest', 'smallest', 'sandwich']) {
  const ratio = (t: Record<string, Timing[]>) => (med(t[`${name}:4`]!, 'ms') / med(t[`${name}:32`]!, 'ms')).toFixed(2);
  console.log(`4-bit / float step time, ${name}: ours ${ratio(ours)}${twin[`${name}:4`]!.length ? `, PyTorch ${ratio(twin)}` : ''}`);
}

if (values.profile) {
  for (const bits of [32, 4]) {
    const profile = await tf.profile(() => run(`largest:${bits}`));
    const byName = new Map<string, { ms: number; calls: number }>();
    for (const k of profile.kernels) {
      const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += k.kernelTimeMs as number;
      e.calls++;
      byName.set(k.name, e);
    }
    const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
    console.log(`\nlargest step, ${bits} bit: ${profile.kernels.length} kernel calls, ${total.toFixed(0)} ms of kernel time`);
    for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
      console.log(`  ${name.padEnd(40)} ${e.ms.toFixed(1).padStart(7)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)} % ${String(e.calls).padStart(5)} calls`);
    }
  }
}
process.exit(0);
