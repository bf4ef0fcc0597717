import type { LayerDesc } from '../ir/layer-desc';
import { networkFigures } from '../ir/network-figures';
import type { PriorSource } from './fewshot-model';

/**
 * A network's place in the few-shot fit's feature space, as the design
 * sees it (no device latency involved): log MACs, log bit operations, log
 * bytes moved, the layer count, and the log of each known device's latency.
 */
function designFeatures(layers: readonly LayerDesc[], sources: readonly PriorSource[]): number[] {
  const f = networkFigures(layers);
  const bytes = f.weightBytes + f.activationBytes;
  return [
    Math.log(f.macs + 1),
    Math.log(f.bitOps + 1),
    Math.log(bytes + 1),
    f.layers,
    ...sources.map((s) => Math.log(layers.reduce((a, l) => a + s.layerMs(l), 0) + 1e-9)),
  ];
}

/**
 * How many random candidates the design picks `k` networks from: at least
 * 60 (what latency-fewshot.ts measured the design with) and 3 per pick.
 */
export function fewShotDesignCandidates(k: number): number {
  return Math.max(60, 3 * k);
}

/**
 * Which `k` of `candidates` to measure on a new device so its few-shot fit
 * learns most (the coordinator chooses which networks a worker profiles):
 * a space-filling design over the networks' features (work figures and the
 * known devices' latencies, each standardised over the candidates), picked
 * greedily farthest-first from the candidate nearest the centre, so the
 * samples span the range of sizes, precisions and device behaviours instead
 * of clustering where random draws fall most often. Deterministic; returns
 * indices into `candidates` in the order picked (all of them when k ≥ their number).
 */
export function chooseFewShotNetworks(candidates: ReadonlyArray<readonly LayerDesc[]>, k: number, sources: readonly PriorSource[]): number[] {
  const n = candidates.length;
  if (k >= n) return candidates.map((_, i) => i);
  if (k <= 0) return [];
  const raw = candidates.map((l) => designFeatures(l, sources));
  const d = raw[0]!.length;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const r of raw) r.forEach((v, j) => (mean[j] += v / n));
  for (const r of raw) r.forEach((v, j) => (sd[j] += (v - mean[j]!) ** 2 / n));
  const z = raw.map((r) => r.map((v, j) => (sd[j]! > 0 ? (v - mean[j]!) / Math.sqrt(sd[j]!) : 0)));
  const dist = (a: number[], b: number[]) => a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0);
  const centre = new Array<number>(d).fill(0);
  let first = 0;
  for (let i = 1; i < n; i++) if (dist(z[i]!, centre) < dist(z[first]!, centre)) first = i;
  const picked = [first];
  const nearest = z.map((r) => dist(r, z[first]!));
  while (picked.length < k) {
    let far = -1;
    for (let i = 0; i < n; i++) if (far < 0 || nearest[i]! > nearest[far]!) far = i;
    picked.push(far);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i]!, dist(z[i]!, z[far]!));
  }
  return picked;
}
