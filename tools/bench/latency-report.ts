// Runs every predictor configuration of docs/benchmarks-latency.md on the sample files in --dir
// and prints the markdown table rows (plus one JSON line per row on stderr).
//
//   node --import tsx tools/bench/latency-report.ts --dir /tmp/lat4 [--devices cpu,cpu-ort,xavier,fpga]
// expects <device>-train.jsonl and <device>-test.jsonl per device, and optionally <device>-wide.jsonl
// (another architecture family, tested against the same training set).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fitPredictor, loadSamples, measurePredictionRate, type FitPredictorOptions, type LatencySample } from '@oqat/latency';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

interface Config {
  label: string;
  model: 'flops' | 'lut' | 'learned';
  networksOnly?: boolean;
  learned?: FitPredictorOptions['learned'];
}

const CONFIGS: Config[] = [
  { label: 'MACs-proportional baseline', model: 'flops' },
  { label: '**LUT** (default fit)', model: 'lut' },
  { label: '**learned** (default fit: configuration chosen on a validation split)', model: 'learned' },
  { label: 'learned: GBDT per layer + network refinement', model: 'learned', learned: { mode: 'layers' } },
  { label: 'learned: GBDT per layer only', model: 'learned', learned: { mode: 'layers', refineRounds: 0 } },
  { label: 'learned: GBDT on network totals', model: 'learned', learned: { mode: 'networks' } },
  { label: 'learned: linear per-op prior only (network totals)', model: 'learned', learned: { mode: 'networks', networkRounds: 0 } },
  { label: 'LUT from network totals only', model: 'lut', networksOnly: true },
];

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

async function main(): Promise<void> {
  const dir = arg('dir', '/tmp/lat4');
  const devices = arg('devices', 'cpu,cpu-ort,xavier,fpga').split(',');
  console.log('| device | test set | predictor | n | within ±10 % | MAPE | RMSE ms | Spearman | predictions/s |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const device of devices) {
    const train = await loadSamples(join(dir, `${device}-train.jsonl`));
    const tests: Array<[string, LatencySample[]]> = [['held-out', await loadSamples(join(dir, `${device}-test.jsonl`))]];
    if (existsSync(join(dir, `${device}-wide.jsonl`))) tests.push(['other family', await loadSamples(join(dir, `${device}-wide.jsonl`))]);
    for (const [testName, test] of tests) {
      for (const c of testName === 'held-out' ? CONFIGS : CONFIGS.slice(0, 3)) {
        const t = c.networksOnly ? train.map(({ layers, latencyMs, device: d }) => ({ layers, latencyMs, device: d })) : train;
        const t0 = performance.now();
        const { predictor, metrics } = fitPredictor({ train: t, test, model: c.model, learned: c.learned, lut: { fallback: c.learned ?? {} } });
        const fitS = (performance.now() - t0) / 1e3;
        const rate = measurePredictionRate(predictor, test.map((s) => s.layers), 1000);
        const json = predictor.toJSON();
        const selection = json.kind === 'learned' ? json.selection : json.kind === 'lut' ? json.fallback.selection : undefined;
        const chosen = selection ? ` (${json.kind === 'lut' ? `${json.fitMode} entries, fallback ` : ''}${selection.chosen})` : '';
        process.stderr.write(`${JSON.stringify({ device, testName, config: c.label, ...metrics, train: t.length, fitS, predictionsPerSec: Math.round(rate), selection })}\n`);
        console.log(
          `| ${device} | ${testName} | ${c.label}${chosen} | ${metrics.n} | ${pct(metrics.within10)} | ${pct(metrics.mape)} | ${metrics.rmseMs.toFixed(4)} | ${metrics.spearman.toFixed(4)} | ${Math.round(rate).toLocaleString('en-US')} |`,
        );
      }
    }
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
