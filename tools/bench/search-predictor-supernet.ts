/**
 * The accuracy predictor on a trained supernet: measure random subnets
 * (architecture and bits among the trained widths) on training images the
 * checkpoint never trained on, fit the MLP predictor on 3/4 of them and
 * report its Spearman rank correlation on the held-out quarter.
 *
 *   node --import tsx tools/bench/search-predictor-supernet.ts --ckpt supernet.ckpt [--subnets 160]
 *        [--holdout-from 50000] [--val-images 1000] [--bn-images 500]
 */
import { parseArgs } from 'node:util';
import { createRng } from '@oqat/core';
import { evaluateSubnet, fitAccuracyPredictor, spearman, subnetEncoder } from '@oqat/search';
import { HOLDOUT_OPTIONS, loadSupernetHoldout } from './supernet-holdout';

const { values } = parseArgs({
  options: {
    ...HOLDOUT_OPTIONS,
    subnets: { type: 'string', default: '160' },
  },
});
const holdout = await loadSupernetHoldout(values);
const { net, validation, bn } = holdout;
const encoder = subnetEncoder(net.space, { bits: holdout.bits });
const rng = createRng(5);
const seen = new Set<string>();
const features: Float32Array[] = [];
const accuracies: number[] = [];
const t0 = performance.now();
while (features.length < Number(values.subnets)) {
  const spec = encoder.sample(rng);
  if (seen.has(encoder.key(spec))) continue;
  seen.add(encoder.key(spec));
  features.push(encoder.feature(spec));
  accuracies.push(evaluateSubnet(net, spec, { bn, test: validation, batchSize: 500 }).top1);
}
const measureS = (performance.now() - t0) / 1000;
const cut = Math.floor(features.length * 0.75);
const t1 = performance.now();
const predictor = fitAccuracyPredictor(features.slice(0, cut), accuracies.slice(0, cut), createRng(9));
const fitS = (performance.now() - t1) / 1000;
const predicted = features.slice(cut).map((f) => predictor.predict(f));
const actual = accuracies.slice(cut);
const sorted = [...accuracies].sort((a, b) => a - b);
console.log(`| subnets (fit / held out) | accuracy range | held-out Spearman | fit s | measuring s |\n|---|---|---|---|---|`);
console.log(`| ${cut} / ${actual.length} | ${(100 * sorted[0]!).toFixed(1)}-${(100 * sorted[sorted.length - 1]!).toFixed(1)} % | ${spearman(predicted, actual).toFixed(3)} | ${fitS.toFixed(1)} | ${measureS.toFixed(0)} |`);
holdout.dispose();
