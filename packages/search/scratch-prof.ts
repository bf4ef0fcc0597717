import { initEngine, tf } from '@oqat/engine';
import { FASHION_MNIST_SPACE as S } from './src/space/fashion-mnist-space';
import { MobileNetV3Supernet } from './src/supernet/networks/mobilenet-v3';
import { lsqQuantFactory } from './src/supernet/lsq-layer-quant';
import { sandwichStep } from './src/train/sandwich-step';
import { largestSubnet, smallestSubnet } from './src/space/sample-subnet';
const info = await initEngine({ backend: (process.argv[2] as any) ?? 'wasm' });
console.log(info.backend, info.threads);
const net = new MobileNetV3Supernet(S, { seed: 1, quant: lsqQuantFactory });
const B = 64;
const images = tf.randomNormal([B, 28, 28, 1]);
const labels = tf.tensor1d(Array.from({ length: B }, (_, i) => i % 10), 'int32');
const vars = () => net.params().map((p) => p.variable);
for (const bits of [32, 4]) {
  for (const [n, spec] of [['largest', largestSubnet(S, bits)], ['smallest', smallestSubnet(S, bits)]] as const) {
    net.setActive(spec);
    tf.tidy(() => void net.forward(images, { mode: 'train' }));
    const ts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      tf.tidy(() => { const { grads } = tf.variableGrads(() => tf.sum(net.forward(images, { mode: 'train' })) as tf.Scalar, vars()); });
      ts.push(performance.now() - t);
    }
    console.log(bits, n, 'fwd+bwd ms', ts.map((x) => x.toFixed(0)).join(' '));
  }
  const t = performance.now();
  const r = sandwichStep(net, images, labels, { bits, randomSubnets: 2, distill: true, labelSmoothing: 0.1, seed: 1, phaseIndex: 0, phaseStep: 0 });
  for (const g of r.grads.values()) g.dispose();
  console.log(bits, 'sandwich ms', (performance.now() - t).toFixed(0));
}
if (process.argv[3] === 'profile') {
  net.setActive(largestSubnet(S, 4));
  const prof = await tf.profile(() => tf.tidy(() => { tf.variableGrads(() => tf.sum(net.forward(images, { mode: 'train' })) as tf.Scalar, vars()); }));
  const by = new Map<string, number>();
  for (const k of prof.kernels) by.set(k.name, (by.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  console.log([...by].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([k, v]) => `${k} ${v.toFixed(0)}`).join('\n'));
}
process.exit(0);
