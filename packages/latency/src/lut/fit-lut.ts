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
  /** rounds and shrinkage of the per-key corrections fitted on network totals (both modes) */
  rounds: number;
  learningRate: number;
  /** pulls a key's correction towards the fallback's estimate (in network-share units) */
  ridge: number;
}

export const DEFAULT_LUT_FIT: LutFitOptions = { fallback: {}, rounds: 200, learningRate: 0.5, ridge: 0.05 };

/**
 * Fits a lookup table on samples of one device. Entries start at the mean
 * (and std) of each key's per-layer measurements when the samples carry them
 * (profiler and simulator samples), else at the learned fallback's estimate;
 * then each gets one multiplicative correction, fitted on the networks'
 * log-errors with a ridge towards its start (a layer timed alone differs
 * from the same layer inside a network: caches, fused boundaries).
 */
export function fitLut(samples: readonly LatencySample[], options: Partial<LutFitOptions> = {}): LutModel {
  const o = { ...DEFAULT_LUT_FIT, ...options };
  const device = samples[0]!.device;
  const fallback = fitLearned(samples, o.fallback);
  const index = indexKeys(samples, device);
  // start from the measured layers only when they predict networks: when the fallback's own
  // validation chose a per-layer configuration (or made no choice)
  const chosen = fallback.json.selection?.chosen;
  const layered = hasLayerLatencies(samples) && (chosen === undefined || chosen.startsWith('layers'));
  const mean = new Float64Array(index.keys.length);
  const std = new Float64Array(index.keys.length);
  const count = new Float64Array(index.keys.length);
  const boundaries = new PrecisionBoundaries(device);
  const b = samples.map((s) => boundaries.melems(s.layers));
  const y = samples.map((s) => s.latencyMs);
  const sumsOf = (values: Float64Array) => index.sampleKeys.map((keys) => keys.reduce((a, k) => a + values[k]!, 0));
  // starting entries: the measured per-layer means, or the fallback's estimates
  const base = new Float64Array(index.keys.length);
  if (layered) {
    const sumSq = new Float64Array(index.keys.length);
    samples.forEach((s, n) =>
      index.sampleKeys[n]!.forEach((k, l) => {
        const v = s.layerLatencyMs![l]!;
        base[k] += v;
        sumSq[k] += v * v;
        count[k]++;
      }),
    );
    for (let k = 0; k < base.length; k++) {
      base[k] = Math.max(MIN_LAYER_MS, base[k]! / count[k]!);
      std[k] = Math.sqrt(Math.max(0, sumSq[k]! / count[k]! - base[k]! ** 2));
    }
  } else {
    index.layers.forEach((l, k) => (base[k] = fallback.layerMs(l)));
    index.sampleKeys.forEach((keys) => keys.forEach((k) => count[k]++));
  }
  // per-key multiplicative corrections from the networks' log-errors (a layer timed alone is not
  // quite the same layer inside a network), with a ridge towards the starting entry
  const { constantMs, scale, convertMsPerMelem: convert } = fitCalibration(sumsOf(base), y, b);
  const corr = new Float64Array(index.keys.length);
  const g = new Float64Array(index.keys.length);
  const h = new Float64Array(index.keys.length);
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
  const cal = fitCalibration(sumsOf(mean), y, b);
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
