// Fits latency predictors on one JSONL file and reports held-out accuracy on another.
//
//   node --import tsx tools/bench/latency-fit.ts --train A.jsonl --test B.jsonl [--model lut|learned|flops|all]
//        [--networks-only] [--refine R] [--rounds R] [--out predictor.json]
// Prints one JSON line per model: the `oqat latency fit` metrics plus fit time, predictions/s and fit mode.
// --networks-only drops the per-layer latencies of the training rows (fit from network totals alone).
import { writeFile } from 'node:fs/promises';
import { fitPredictor, loadSamples, measurePredictionRate, type PredictorKind } from '@oqat/latency';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const trainFile = arg('train');
  const testFile = arg('test');
  if (!trainFile || !testFile) throw new Error('usage: latency-fit.ts --train A.jsonl --test B.jsonl [--model lut|learned|flops|all]');
  let train = await loadSamples(trainFile);
  const test = await loadSamples(testFile);
  if (process.argv.includes('--networks-only')) train = train.map(({ layers, latencyMs, device }) => ({ layers, latencyMs, device }));
  const which = arg('model', 'all')!;
  const models: PredictorKind[] = which === 'all' ? ['flops', 'lut', 'learned'] : [which as PredictorKind];
  const networks = test.map((s) => s.layers);
  for (const model of models) {
    const t0 = performance.now();
    const learned = {
      ...(arg('refine') ? { refineRounds: Number(arg('refine')) } : {}),
      ...(arg('rounds') ? { boost: { rounds: Number(arg('rounds')) }, networkRounds: Number(arg('rounds')) } : {}),
    };
    const { predictor, metrics } = fitPredictor({ train, test, model, learned, lut: { fallback: learned } });
    const fitS = (performance.now() - t0) / 1e3;
    const predictionsPerSec = measurePredictionRate(predictor, networks, 1000);
    const json = predictor.toJSON();
    const fitMode = 'fitMode' in json ? json.fitMode : 'networks';
    console.log(JSON.stringify({ model, device: predictor.device, ...metrics, train: train.length, fitMode, fitS: +fitS.toFixed(2), predictionsPerSec: Math.round(predictionsPerSec) }));
    const out = arg('out');
    if (out && models.length === 1) await writeFile(out, JSON.stringify(json));
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
