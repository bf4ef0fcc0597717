import type { LatencySample } from '../ir/layer-desc';
import { PREDICTOR_FORMAT, PREDICTOR_VERSION, type LutModelJson } from '../predict/cost-model';
import { fitLearned, hasLayerLatencies, type LearnedFitOptions } from '../predict/fit-learned';
import { indexKeys } from '../predict/key-index';
import { MIN_LAYER_MS } from '../predict/learned-model';
import { fitCalibration } from '../predict/nnls';
import { PrecisionBoundaries } from '../predict/precision-boundaries';
import { LutModel } from './lut-model';

export interface LutFitOptions {
  /** options of the embedded learned fallback */
  fallback: Partial<LearnedFitOptions>;
  /** networks-only fits: rounds and shrinkage of the per-key corrections */
  rounds: number;
  learningRate: number;
  /** pulls a key's correction towards the fallback's estimate (in network-share units) */
  ridge: number;
}

export const DEFAULT_LUT_FIT: LutFitOptions = { fallback: {}, rounds: 200, learningRate: 0.5, ridge: 0.05 };

/**
 * Fits a lookup table on samples of one device. With per-layer latencies
 * (profiler and simulator samples) each entry is the mean and std of its
 * key's measurements. From network totals alone, entries start at the
 * learned fallback's estimate and get one multiplicative correction per key,
 * fitted on the networks' log-errors with a ridge towards the fallback.
 */
export function fitLut(samples: readonly LatencySample[], options: Partial<LutFitOptions> = {}): LutModel {
  const o = { ...DEFAULT_LUT_FIT, ...options };
  const device = samples[0]!.device;
  const fallback = fitLearned(samples, o.fallback);
  const index = indexKeys(samples, device);
  const layered = hasLayerLatencies(samples);
  const mean = new Float64Array(index.keys.length);
  const std = new Float64Array(index.keys.length);
  const count = new Float64Array(index.keys.length);
  if (layered) {
    const sumSq = new Float64Array(index.keys.length);
    samples.forEach((s, n) =>
      index.sampleKeys[n]!.forEach((k, l) => {
        const v = s.layerLatencyMs![l]!;
        mean[k] += v;
        sumSq[k] += v * v;
        count[k]++;
      }),
    );
    for (let k = 0; k < mean.length; k++) {
      mean[k] = Math.max(MIN_LAYER_MS, mean[k]! / count[k]!);
      std[k] = Math.sqrt(Math.max(0, sumSq[k]! / count[k]! - mean[k]! ** 2));
    }
  } else {
    const base = Float64Array.from(index.layers, (l) => fallback.layerMs(l));
    const corr = new Float64Array(index.keys.length);
    const g = new Float64Array(index.keys.length);
    const h = new Float64Array(index.keys.length);
    const y = samples.map((s) => s.latencyMs);
    const { constantMs, scale } = fallback.json;
    const convert = fallback.json.convertMsPerMelem ?? 0;
    const boundaries = new PrecisionBoundaries(device);
    const b = samples.map((s) => boundaries.melems(s.layers));
    index.sampleKeys.forEach((keys) => keys.forEach((k) => count[k]++));
    for (let round = 0; round < o.rounds; round++) {
      g.fill(0);
      h.fill(0);
      index.sampleKeys.forEach((keys, n) => {
        let sum = 0;
        for (const k of keys) sum += base[k]! * Math.exp(corr[k]!);
        const pred = constantMs + scale * sum + convert * b[n]!;
        const err = Math.log(pred / y[n]!);
        for (const k of keys) {
          const share = (scale * base[k]! * Math.exp(corr[k]!)) / pred;
          g[k] += err * share;
          h[k] += share;
        }
      });
      for (let k = 0; k < corr.length; k++) corr[k] -= (o.learningRate * (g[k]! + o.ridge * corr[k]!)) / (h[k]! + o.ridge);
    }
    for (let k = 0; k < mean.length; k++) mean[k] = Math.max(MIN_LAYER_MS, base[k]! * Math.exp(corr[k]!));
  }
  const sums = index.sampleKeys.map((keys) => keys.reduce((a, k) => a + mean[k]!, 0));
  const boundaries = new PrecisionBoundaries(device);
  const cal = fitCalibration(sums, samples.map((s) => s.latencyMs), samples.map((s) => boundaries.melems(s.layers)));
  const json: LutModelJson = {
    format: PREDICTOR_FORMAT,
    version: PREDICTOR_VERSION,
    kind: 'lut',
    device,
    ...cal,
    fitMode: layered ? 'layers' : 'networks',
    entries: index.keys.map((key, k) => [key, mean[k]!, std[k]!, count[k]!]),
    fallback: fallback.toJSON(),
  };
  return new LutModel(json);
}
