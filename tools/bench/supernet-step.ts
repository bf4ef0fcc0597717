/**
 * Speed of one OQAT training step on this machine: forward + backward of
 * the largest and smallest subnet alone, and a whole sandwich step (largest,
 * smallest, two random, in-place distillation), in float and at 4 bit, for
 * the default Fashion-MNIST space. Medians of --repeats after one warm-up;
 * the share of LSQ kernels in the 4-bit largest step from tf.profile.
 *
 *   node --import tsx tools/bench/supernet-step.ts [--batch 64] [--repeats 5] [--threads 2]
 */
import { parseArgs } from 'node:util';
import { initEngine, tf } from '@oqat/engine';
import { FASHION_MNIST_SPACE as space, largestSubnet, lsqQuantFactory, MobileNetV3Supernet, smallestSubnet, TRAIN } from '@oqat/search';
import { sandwichStep } from '../../packages/search/src/train/sandwich-step';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '64' }, repeats: { type: 'string', default: '5' }, threads: { type: 'string' } } });
const batch = Number(values.batch);
const repeats = Number(values.repeats);
const info = await initEngine({ backend: 'wasm', ...(values.threads ? { threads: Number(values.threads) } : {}) });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const net = new MobileNetV3Supernet(space, { seed: 1, quant: lsqQuantFactory });
const images = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 1);
const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
const vars = () => net.params().map((p) => p.variable);
const fwdBwd = () => tf.tidy(() => void tf.variableGrads(() => tf.sum(net.forward(images, TRAIN)) as tf.Scalar, vars()));
const time = (f: () => void): number => {
  f();
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    f();
    ts.push(performance.now() - t);
  }
  return median(ts);
};

console.log(`wasm x${info.threads}, batch ${batch}, median of ${repeats}\n\n| step | bits | ms | img/s |\n|---|---|---|---|`);
for (const bits of [32, 4]) {
  for (const [name, spec] of [['largest fwd+bwd', largestSubnet(space, bits)], ['smallest fwd+bwd', smallestSubnet(space, bits)]] as const) {
    net.setActive(spec);
    const ms = time(fwdBwd);
    console.log(`| ${name} | ${bits} | ${ms.toFixed(0)} | ${((batch * 1000) / ms).toFixed(1)} |`);
  }
  let step = 0;
  const ms = time(() => {
    const r = sandwichStep(net, images, labels, { bits, randomSubnets: 2, distill: true, labelSmoothing: 0.1, seed: 1, phaseIndex: 0, phaseStep: step++ });
    for (const g of r.grads.values()) g.dispose();
  });
  console.log(`| sandwich (4 subnets) | ${bits} | ${ms.toFixed(0)} | ${((batch * 1000) / ms).toFixed(1)} |`);
}

net.setActive(largestSubnet(space, 4));
const profile = await tf.profile(fwdBwd);
const total = profile.kernels.reduce((a, k) => a + (k.kernelTimeMs as number), 0);
const LSQ = new Set(['LessEqual', 'GreaterEqual', 'LogicalAnd', 'Cast', 'Round', 'ClipByValue', 'RealDiv', 'lsqQuantize__op']);
const lsq = profile.kernels.filter((k) => LSQ.has(k.name)).reduce((a, k) => a + (k.kernelTimeMs as number), 0);
console.log(`\n4-bit largest fwd+bwd: kernels ${total.toFixed(0)} ms, of which LSQ-only kernels (${[...LSQ].join(', ')}) ${lsq.toFixed(0)} ms = ${((100 * lsq) / total).toFixed(0)} %`);
process.exit(0);
