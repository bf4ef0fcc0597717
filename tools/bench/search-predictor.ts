/**
 * The accuracy predictor's rank correlation on held-out candidates and its fit
 * time: plain-TypeScript MLP sizes side by side, and the same 1x64 MLP in
 * tfjs (engine backend) for the "plain TS or tf" choice. Targets: the
 * synthetic accuracy of search-synthetic-task.ts on the real Fashion-MNIST
 * space features (SubnetSpec one-hot + bits), 300 train / 100 held out.
 *
 *   node --import tsx tools/bench/search-predictor.ts [--seeds 3] [--backend wasm|cpu]
 */
import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import { parseArgs } from 'node:util';
import { fitAccuracyPredictor, spearman, subnetEncoder } from '@oqat/search';

import { space, syntheticAccuracy, trainedBits } from './search-synthetic-task';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '3' }, backend: { type: 'string', default: 'wasm' } } });
const seeds = Number(values.seeds);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const EPOCHS = 150;

/** The same model in tfjs: Dense(64, relu) -> Dense(1), Adam 3e-3, batch 32, MSE on standardised targets. */
async function tfFitPredict(train: Float32Array[], y: number[], test: Float32Array[], seed: number): Promise<number[]> {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length) || 1;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [train[0]!.length], units: 64, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'meanSquaredError' });
  const xs = tf.tensor2d(train.map((f) => Array.from(f)));
  const ys = tf.tensor2d(y.map((v) => [(v - mean) / std]));
  await model.fit(xs, ys, { epochs: EPOCHS, batchSize: 32, shuffle: true, verbose: 0 });
  const xt = tf.tensor2d(test.map((f) => Array.from(f)));
  const out = model.predict(xt) as ReturnType<typeof tf.tensor2d>;
  const pred = Array.from(await out.data(), (v) => v * std + mean);
  tf.dispose([xs, ys, xt, out]);
  model.dispose();
  return pred;
}

const info = await initEngine({ backend: values.backend as 'wasm' | 'cpu' });
const encoder = subnetEncoder(space, { bits: trainedBits });
const configs: Array<{ name: string; hidden?: number[] }> = [{ name: 'TS 1x64 (default)', hidden: [64] }, { name: 'TS 2x32', hidden: [32, 32] }, { name: 'TS 1x128', hidden: [128] }, { name: `tfjs 1x64 (${info.backend})` }];
const results = new Map<string, { rho: number[]; ms: number[] }>(configs.map((c) => [c.name, { rho: [], ms: [] }]));
for (let seed = 1; seed <= seeds; seed++) {
  const rng = createRng(seed);
  const specs = Array.from({ length: 400 }, () => encoder.sample(rng));
  const features = specs.map(encoder.feature);
  const acc = specs.map(syntheticAccuracy);
  const heldOut = acc.slice(300);
  for (const c of configs) {
    const t = performance.now();
    let pred: number[];
    if (c.hidden) {
      const p = fitAccuracyPredictor(features.slice(0, 300), acc.slice(0, 300), createRng(seed + 10), { hidden: c.hidden, epochs: EPOCHS });
      pred = features.slice(300).map((f) => p.predict(f));
    } else {
      pred = await tfFitPredict(features.slice(0, 300), acc.slice(0, 300), features.slice(300), seed + 10);
    }
    results.get(c.name)!.ms.push(performance.now() - t);
    results.get(c.name)!.rho.push(spearman(pred, heldOut));
  }
}
console.log(`# search-predictor (SYNTHETIC accuracy): 300 train / 100 held-out, ${EPOCHS} epochs, ${seeds} seeds, medians\n`);
console.log('| predictor | held-out Spearman | fit ms |');
console.log('|---|---|---|');
for (const [name, r] of results) console.log(`| ${name} | ${median(r.rho).toFixed(3)} | ${median(r.ms).toFixed(0)} |`);
