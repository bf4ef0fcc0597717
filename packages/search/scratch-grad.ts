import { initEngine, tf } from '@oqat/engine';
import { FASHION_MNIST_SPACE as S } from './src/space/fashion-mnist-space';
import { MobileNetV3Supernet } from './src/supernet/networks/mobilenet-v3';
import { largestSubnet } from './src/space/sample-subnet';
import { smoothedCrossEntropy } from './src/train/losses';
async function grads(backend: 'cpu' | 'wasm') {
  await initEngine({ backend });
  const net = new MobileNetV3Supernet(S, { seed: 1 });
  net.setActive(largestSubnet(S, 32));
  const x = tf.randomNormal([16, 28, 28, 1], 0, 1, 'float32', 3);
  const y = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32');
  const params = net.params();
  const { value, grads } = tf.variableGrads(() => smoothedCrossEntropy(net.forward(x, { mode: 'train' }), y, 0) as tf.Scalar, params.map((p) => p.variable));
  const out = new Map<string, Float32Array>();
  for (const p of params) { const g = grads[p.variable.name]; if (g) out.set(p.name, g.dataSync() as Float32Array); }
  console.log(backend, 'loss', value.dataSync()[0]);
  net.dispose();
  return out;
}
const a = await grads('cpu');
const b = await grads('wasm');
const rows: [string, number, number][] = [];
for (const [n, ga] of a) {
  const gb = b.get(n)!;
  let d = 0, m = 0;
  for (let i = 0; i < ga.length; i++) { d = Math.max(d, Math.abs(ga[i]! - gb[i]!)); m = Math.max(m, Math.abs(ga[i]!)); }
  rows.push([n, d / (m || 1), m]);
}
rows.sort((p, q) => q[1] - p[1]);
const big = rows.filter((r) => r[2] > 1e-5);
console.log("params", rows.length, "with |g|>1e-5", big.length);
rows.splice(0, rows.length, ...big);
console.log(rows.slice(0, 12).map((r) => `${r[0]} rel ${r[1].toExponential(2)} max ${r[2].toExponential(2)}`).join('\n'));
process.exit(0);
