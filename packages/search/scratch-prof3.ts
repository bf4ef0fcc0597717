import { initEngine, tf } from '@oqat/engine';
import { FASHION_MNIST_SPACE as F } from './src/space/fashion-mnist-space';
import { B } from './scratch-macs';
import type { SearchSpace } from './src/space/search-space';
import { MobileNetV3Supernet } from './src/supernet/networks/mobilenet-v3';
import { lsqQuantFactory } from './src/supernet/lsq-layer-quant';
import { largestSubnet, smallestSubnet } from './src/space/sample-subnet';
const info = await initEngine({ backend: 'wasm' });
const F35: SearchSpace = { ...F, stages: F.stages.map((s) => ({ ...s, kernels: [3, 5] })) };
const batch = 64;
const images = tf.randomNormal([batch, 28, 28, 1]);
for (const [name, S] of [['F35', F35], ['B', B]] as const) {
  const net = new MobileNetV3Supernet(S, { seed: 1, quant: lsqQuantFactory });
  const vars = () => net.params().map((p) => p.variable);
  for (const bits of [4]) for (const [n, spec] of [['largest', largestSubnet(S, bits)], ['smallest', smallestSubnet(S, bits)]] as const) {
    net.setActive(spec);
    tf.tidy(() => void net.forward(images, { mode: 'train' }));
    const ts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      tf.tidy(() => { tf.variableGrads(() => tf.sum(net.forward(images, { mode: 'train' })) as tf.Scalar, vars()); });
      ts.push(performance.now() - t);
    }
    console.log(name, bits, n, 'fwd+bwd ms', ts.map((x) => x.toFixed(0)).join(' '), 'img/s', (batch / (Math.min(...ts) / 1000)).toFixed(0));
  }
  net.setActive(largestSubnet(S, 4));
  const prof = await tf.profile(() => tf.tidy(() => { tf.variableGrads(() => tf.sum(net.forward(images, { mode: 'train' })) as tf.Scalar, vars()); }));
  const by = new Map<string, number>();
  for (const k of prof.kernels) by.set(k.name, (by.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  console.log([...by].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
  net.dispose();
}
process.exit(0);
