// Latency spread of a JSONL sample file, and the measurement noise floor when
// the same networks were measured twice.
//
//   node --import tsx tools/bench/latency-stats.ts --samples A.jsonl [--repeat B.jsonl]
import { loadSamples, networkFigures, spearman } from '@oqat/latency';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function main(): Promise<void> {
  const file = arg('samples');
  if (!file) throw new Error('usage: latency-stats.ts --samples A.jsonl [--repeat B.jsonl]');
  const samples = await loadSamples(file);
  const ms = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const macs = samples.map((s) => networkFigures(s.layers).macs);
  const byBits = new Map<number, number[]>();
  for (const s of samples) {
    const bits = s.layers[2]?.wBits ?? 0; // the block bits (stem and classifier stay at high precision)
    byBits.set(bits, [...(byBits.get(bits) ?? []), s.latencyMs]);
  }
  console.log(
    JSON.stringify({
      file,
      device: samples[0]!.device,
      n: samples.length,
      minMs: ms[0],
      p10Ms: q(ms, 0.1),
      medianMs: q(ms, 0.5),
      p90Ms: q(ms, 0.9),
      maxMs: ms[ms.length - 1],
      maxOverMin: +(ms[ms.length - 1]! / ms[0]!).toFixed(2),
      spearmanVsMacs: +spearman(macs, samples.map((s) => s.latencyMs)).toFixed(3),
      medianMsByBits: Object.fromEntries([...byBits].sort((a, b) => a[0] - b[0]).map(([b, v]) => [b, +q(v.sort((x, y) => x - y), 0.5).toFixed(3)])),
    }),
  );
  const repeat = arg('repeat');
  if (repeat) {
    const again = await loadSamples(repeat);
    const n = Math.min(samples.length, again.length);
    const ratios = Array.from({ length: n }, (_, i) => again[i]!.latencyMs / samples[i]!.latencyMs);
    const sorted = [...ratios].sort((a, b) => a - b);
    const med = q(sorted, 0.5);
    console.log(
      JSON.stringify({
        repeat,
        n,
        medianRatio: +med.toFixed(3),
        within10: ratios.filter((r) => Math.abs(r - 1) <= 0.1).length / n,
        within10AfterScale: ratios.filter((r) => Math.abs(r / med - 1) <= 0.1).length / n,
        within5AfterScale: ratios.filter((r) => Math.abs(r / med - 1) <= 0.05).length / n,
      }),
    );
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
