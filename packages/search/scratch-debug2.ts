import { initEngine, tf } from '@oqat/engine';
import { loadFashionMnist, takeItems, floatBatches } from '@oqat/data';
import { FASHION_MNIST_SPACE as S } from './src/space/fashion-mnist-space';
import { MobileNetV3Supernet } from './src/supernet/networks/mobilenet-v3';
import { lsqQuantFactory } from './src/supernet/lsq-layer-quant';
import { sandwichStep } from './src/train/sandwich-step';
import { SgdNesterov } from './src/train/sgd-nesterov';
import { startPhase } from './src/train/phase-start';
import { cosineLr } from './src/train/lr-schedule';
import { INPUT_NORMALIZATION } from './src/eval/evaluate-subnet';
await initEngine({ backend: 'wasm', threads: 1 });
const data = await loadFashionMnist({ source: 'full' });
const train = takeItems(data.train, Int32Array.from({ length: 1024 }, (_, i) => i));
const net = new MobileNetV3Supernet(S, { seed: 1, quant: lsqQuantFactory });
const opt = new SgdNesterov({ momentum: 0.9, nesterov: true, weightDecay: 3e-5 });
const phases = [{ bits: 32, epochs: 2, lr: 0.2, warmupEpochs: 0.25 }, { bits: 4, epochs: 2, lr: 0.05, warmupEpochs: 0.25 }];
const batches = [...floatBatches(train, { batchSize: 32, seed: 1, normalize: INPUT_NORMALIZATION })];
const x0 = tf.tensor4d(batches[0]!.images, [32, 28, 28, 1]);
for (let p = 0; p < 2; p++) {
  startPhase(net, opt, phases, p, x0);
  const total = 64;
  for (let i = 0; i < total; i++) {
    const b = batches[i % 32]!;
    const images = tf.tensor4d(b.images, [b.size, 28, 28, 1]);
    const labels = tf.tensor1d(b.labels, 'int32');
    const r = sandwichStep(net, images, labels, { bits: phases[p]!.bits, randomSubnets: 2, distill: true, labelSmoothing: 0.1, seed: 1, phaseIndex: p, phaseStep: i });
    const lr = cosineLr(phases[p]!.lr, i, total, 8);
    let worst = '';
    if (p === 1) {
      const steps = net.params().filter((q) => q.name.includes('.step'));
      const rows = steps.map((q) => ({ n: q.name, s: q.variable.dataSync()[0]!, g: r.grads.get(q.name)?.dataSync()[0] ?? 0 }));
      rows.sort((a, c) => a.s - c.s);
      worst = rows.slice(0, 2).map((w) => `${w.n}=${w.s.toExponential(2)} (g ${w.g.toExponential(1)})`).join(' ');
      const gmax = rows.reduce((a, w) => (Math.abs(w.g * lr) / Math.abs(w.s) > a.v ? { v: Math.abs(w.g * lr) / Math.abs(w.s), n: w.n } : a), { v: 0, n: '' });
      worst += ` maxrel ${gmax.n} ${gmax.v.toExponential(1)}`;
    }
    opt.apply(net.params(), r.grads, lr);
    for (const g of r.grads.values()) g.dispose();
    images.dispose(); labels.dispose();
    if (p === 1 || i % 16 === 0) console.log(p, i, r.losses.map((l) => l.toFixed(3)).join(' '), worst);
    if (p === 1 && r.losses[0]! > 2.25 && i > 8) {
      const { largestSubnet } = await import('./src/space/sample-subnet');
      const { applyActivation } = await import('./src/supernet/activation');
      net.setActive(largestSubnet(S, 4));
      tf.tidy(() => {
        const ctx = { mode: 'train' as const };
        let x = tf.image.resizeBilinear(tf.tensor4d(b.images, [b.size, 28, 28, 1]), [32, 32]);
        const stat = (n: string, t: tf.Tensor) => console.log(n, 'min', t.min().dataSync()[0]!.toFixed(3), 'max', t.max().dataSync()[0]!.toFixed(3), 'mean', t.mean().dataSync()[0]!.toFixed(3), 'frac>0', tf.mean(tf.cast(tf.greater(t, 0), 'float32')).dataSync()[0]!.toFixed(3));
        x = net.stemBn.forward(net.stemConv.forward(x, 16), ctx, 'hswish'); stat('stem', x);
        for (const b of net.activeBlocks()) { x = b.forward(x, ctx); stat(b.name, x); }
        x = net.finalExpandBn.forward(net.finalExpandConv.forward(x, 384), ctx, 'hswish'); stat('head.expand', x);
        x = tf.mean(x, [1, 2]); stat('pooled', x);
        x = applyActivation(net.featureMix!.forward(x, 512), 'hswish'); stat('mix', x);
        const q = (net.classifier.quant as any).inputQuantizer; console.log('cls input step', q.stepValues(8)[0], 'mix aq step', (net.featureMix!.quant as any).inputQuantizer.stepValues(4)[0], 'head.expand aq', (net.finalExpandConv.quant as any).inputQuantizer.stepValues(4)[0]);
        stat('logits', net.classifier.forward(x, 10));
      });
      process.exit(0);
    }
  }
}
process.exit(0);
