import type { LatencySample } from '../ir/layer-desc';
import { fitBoostedTrees, type BoostedTreesJson, type BoostOptions } from './boosted-trees';
import { PREDICTOR_FORMAT, PREDICTOR_VERSION, type LearnedModelJson, type OpModelJson } from './cost-model';
import { indexKeys, selectRows, type KeyIndex } from './key-index';
import { FEATURE_COUNT, LAYER_FEATURES } from './layer-features';
import { LearnedModel, MIN_LAYER_MS } from './learned-model';
import { latencyMetrics } from '../metrics/latency-metrics';
import { fitCalibration, nnls } from './nnls';
import { PrecisionBoundaries } from './precision-boundaries';
import { binMatrix, fitTree, predictTree } from './regression-tree';

export interface LearnedFitOptions {
  /** 'auto': per-layer latencies when every sample carries them, else network totals */
  mode: 'auto' | 'layers' | 'networks';
  /** trees fitted to per-layer log-latencies ('layers' mode) */
  boost: Partial<BoostOptions>;
  /** boosting rounds on network log-errors ('networks' mode) */
  networkRounds: number;
  /** boosting rounds on network log-errors after a 'layers' fit (in-network effects); 0: none */
  refineRounds: number;
  networkLearningRate: number;
  networkMaxDepth: number;
  /**
   * with mode 'auto': fit each of LEARNED_CANDIDATES on 80 % of the samples,
   * keep the one with the lowest MAPE on the other 20 % (stopping at the
   * first below `goodEnoughMape`), then refit it on all samples
   */
  select: boolean;
  goodEnoughMape: number;
}

/** Fitting configurations `fitLearned` chooses from by validation accuracy, in the order tried. */
export const LEARNED_CANDIDATES: ReadonlyArray<{ name: string; needsLayers: boolean; options: Partial<LearnedFitOptions> }> = [
  { name: 'layers+refine', needsLayers: true, options: { mode: 'layers' } },
  { name: 'networks-gbdt', needsLayers: false, options: { mode: 'networks', networkRounds: 400 } },
  { name: 'networks-gbdt-60', needsLayers: false, options: { mode: 'networks', networkRounds: 60 } },
  { name: 'networks-linear', needsLayers: false, options: { mode: 'networks', networkRounds: 0 } },
];

export const DEFAULT_LEARNED_FIT: LearnedFitOptions = {
  mode: 'auto',
  boost: {},
  networkRounds: 400,
  refineRounds: 100,
  networkLearningRate: 0.3,
  networkMaxDepth: 4,
  select: true,
  goodEnoughMape: 0.01,
};

export function hasLayerLatencies(samples: readonly LatencySample[]): boolean {
  return samples.every((s) => Array.isArray(s.layerLatencyMs) && s.layerLatencyMs.length === s.layers.length);
}

function opGroups(index: KeyIndex): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  index.ops.forEach((op, k) => {
    const g = groups.get(op);
    if (g) g.push(k);
    else groups.set(op, [k]);
  });
  return groups;
}

/** Per-layer mode: each op kind's trees fit the mean log-latency of each key, weighted by occurrences. */
function fitLayerModels(samples: readonly LatencySample[], index: KeyIndex, boost: Partial<BoostOptions>) {
  const sumLog = new Float64Array(index.keys.length);
  const count = new Float64Array(index.keys.length);
  samples.forEach((s, n) => {
    index.sampleKeys[n]!.forEach((k, l) => {
      sumLog[k] += Math.log(Math.max(MIN_LAYER_MS, s.layerLatencyMs![l]!));
      count[k]++;
    });
  });
  const target = Float64Array.from(sumLog, (v, k) => v / count[k]!);
  const fit = (rows: number[]): OpModelJson => ({
    trees: fitBoostedTrees(selectRows(index, rows), rows.length, FEATURE_COUNT, Float64Array.from(rows, (r) => target[r]!), Float64Array.from(rows, (r) => count[r]!), boost),
  });
  const ops: Record<string, OpModelJson> = {};
  for (const [op, rows] of opGroups(index)) ops[op] = fit(rows);
  const fallback = fit(index.keys.map((_, k) => k));
  return { ops, fallback };
}

/**
 * Networks-only mode, first step: a linear prior per op kind (MACs, bytes, a
 * constant; non-negative least squares on network totals), then
 * `boostOnNetworks`.
 */
function fitNetworkModels(samples: readonly LatencySample[], index: KeyIndex, o: LearnedFitOptions) {
  const groups = opGroups(index);
  const opNames = [...groups.keys()];
  const opCol = new Map(opNames.map((op, i) => [op, i]));
  const y = Float64Array.from(samples, (s) => s.latencyMs);
  const w = Float64Array.from(y, (v) => 1 / (v * v));
  const design = (ops: string[], col: (op: string) => number) =>
    samples.map((_, n) => {
      const row = new Float64Array(1 + 3 * ops.length);
      row[0] = 1;
      for (const k of index.sampleKeys[n]!) {
        const c = 1 + 3 * col(index.ops[k]!);
        row[c] += index.mmacs[k]!;
        row[c + 1] += index.mbytes[k]!;
        row[c + 2] += 1;
      }
      return row;
    });
  const coef = nnls(design(opNames, (op) => opCol.get(op)!), y, w);
  const pooled = nnls(design(['*'], () => 0), y, w);
  const ops: Record<string, OpModelJson> = {};
  const prior = new Float64Array(index.keys.length);
  opNames.forEach((op, i) => {
    const p = { mmacs: coef[1 + 3 * i]!, mbytes: coef[2 + 3 * i]!, constant: coef[3 + 3 * i]! };
    ops[op] = { prior: p, trees: { base: 0, learningRate: o.networkLearningRate, trees: [] } };
    for (const k of groups.get(op)!) prior[k] = Math.max(MIN_LAYER_MS, p.mmacs * index.mmacs[k]! + p.mbytes * index.mbytes[k]! + p.constant);
  });
  const fallback: OpModelJson = {
    prior: { mmacs: pooled[1]!, mbytes: pooled[2]!, constant: pooled[3]! },
    trees: { base: 0, learningRate: o.networkLearningRate, trees: [] },
  };
  boostOnNetworks(samples, index, prior, (op) => ops[op]!.trees, o.networkRounds, o);
  return { ops, fallback };
}

/**
 * Boosting on network log-errors: each round, every layer gets the gradient
 * of its network's squared log-error (the error times the layer's share of
 * the network; the hessian bound uses its op kind's share) and one tree per
 * op kind fits the log-correction of its layers, appended to `target(op)`.
 * `prior` holds each key's current estimate in ms.
 */
function boostOnNetworks(
  samples: readonly LatencySample[],
  index: KeyIndex,
  prior: Float64Array,
  target: (op: string) => BoostedTreesJson,
  rounds: number,
  o: LearnedFitOptions,
): void {
  if (rounds <= 0) return;
  const groups = opGroups(index);
  const opNames = [...groups.keys()];
  const opCol = new Map(opNames.map((op, i) => [op, i]));
  const keyOp = Int32Array.from(index.ops, (op) => opCol.get(op)!);
  const y = Float64Array.from(samples, (s) => s.latencyMs);
  const w = Float64Array.from(y, (v) => 1 / (v * v));
  const boundaries = new PrecisionBoundaries(index.device);
  const b = samples.map((s) => boundaries.melems(s.layers));
  let constantMs = 0;
  let convert = 0;
  const correction = new Float64Array(index.keys.length);
  const binned = [...groups].map(([op, rows]) => ({ op, rows, m: binMatrix(selectRows(index, rows), rows.length, FEATURE_COUNT, 128) }));
  const g = new Float64Array(index.keys.length);
  const h = new Float64Array(index.keys.length);
  const layerMs = new Float64Array(index.keys.length);
  const opShare = new Float64Array(opNames.length);
  const treeOptions = { maxDepth: o.networkMaxDepth, minLeafHessian: 1e-6, minLeafRows: 1, lambda: 1e-3 };
  const row = new Float64Array(FEATURE_COUNT);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < layerMs.length; k++) layerMs[k] = prior[k]! * Math.exp(correction[k]!);
    const sums = index.sampleKeys.map((keys) => keys.reduce((a, k) => a + layerMs[k]!, 0));
    if (round % 20 === 0) {
      // constant and conversion cost that minimise relative error with scale 1, kept >= 0
      const rows = sums.map((_, n) => Float64Array.of(1, b[n]!));
      const coef = nnls(rows, Float64Array.from(sums, (s, n) => y[n]! - s), w);
      constantMs = coef[0]!;
      convert = coef[1]!;
    }
    g.fill(0);
    h.fill(0);
    index.sampleKeys.forEach((keys, n) => {
      const pred = constantMs + convert * b[n]! + sums[n]!;
      const err = Math.log(pred / y[n]!);
      opShare.fill(0);
      for (const k of keys) opShare[keyOp[k]!] += layerMs[k]! / pred;
      for (const k of keys) {
        const share = layerMs[k]! / pred;
        g[k] += err * share;
        h[k] += share * opShare[keyOp[k]!]!;
      }
    });
    for (const { op, rows, m } of binned) {
      const gs = Float64Array.from(rows, (r) => g[r]!);
      const hs = Float64Array.from(rows, (r) => h[r]!);
      const tree = fitTree(m, Int32Array.from(rows, (_, i) => i), gs, hs, treeOptions);
      target(op).trees.push(tree);
      const lr = target(op).learningRate;
      rows.forEach((r) => {
        row.set(index.features.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT));
        correction[r] += lr * predictTree(tree, row);
      });
    }
  }
}

function emptyJson(device: string, fitMode: 'layers' | 'networks'): LearnedModelJson {
  return {
    format: PREDICTOR_FORMAT,
    version: PREDICTOR_VERSION,
    kind: 'learned',
    device,
    constantMs: 0,
    scale: 1,
    features: [...LAYER_FEATURES],
    fitMode,
    ops: {},
    fallback: { trees: { base: 0, learningRate: 1, trees: [] } },
  };
}

/**
 * Fits the learned predictor on samples of one device. With mode 'auto' and
 * `select`, the configuration (per-layer fit with network refinement,
 * boosting on network totals, or the linear per-op prior alone) is chosen by
 * accuracy on a validation split of `samples`, so a runtime whose isolated
 * layers say little about its networks (onnxruntime fuses across layers)
 * gets the model that predicts its networks best.
 */
export function fitLearned(samples: readonly LatencySample[], options: Partial<LearnedFitOptions> = {}): LearnedModel {
  const o = { ...DEFAULT_LEARNED_FIT, ...options };
  if (o.mode !== 'auto' || !o.select || samples.length < 20) return fitSingle(samples, o);
  const train = samples.filter((_, i) => i % 5 !== 4);
  const validation = samples.filter((_, i) => i % 5 === 4);
  const layered = hasLayerLatencies(samples);
  const tried: Array<{ name: string; validationMape: number; validationWithin10: number; options: Partial<LearnedFitOptions> }> = [];
  for (const c of LEARNED_CANDIDATES) {
    if (c.needsLayers && !layered) continue;
    const model = fitSingle(train, { ...o, ...c.options });
    const m = latencyMetrics(validation.map((s) => model.estimateMs(s.layers)), validation.map((s) => s.latencyMs));
    tried.push({ name: c.name, validationMape: m.mape, validationWithin10: m.within10, options: c.options });
    if (m.mape < o.goodEnoughMape) break;
  }
  const best = tried.reduce((a, b) => (b.validationMape < a.validationMape ? b : a));
  const model = fitSingle(samples, { ...o, ...best.options });
  const selection = { chosen: best.name, candidates: tried.map(({ name, validationMape, validationWithin10 }) => ({ name, validationMape, validationWithin10 })) };
  return new LearnedModel({ ...model.json, selection });
}

function fitSingle(samples: readonly LatencySample[], o: LearnedFitOptions): LearnedModel {
  const device = samples[0]!.device;
  const index = indexKeys(samples, device);
  const mode = o.mode === 'auto' ? (hasLayerLatencies(samples) ? 'layers' : 'networks') : o.mode;
  const { ops, fallback } = mode === 'layers' ? fitLayerModels(samples, index, o.boost) : fitNetworkModels(samples, index, o);
  if (mode === 'layers' && o.refineRounds > 0) {
    const layerModel = new LearnedModel({ ...emptyJson(samples[0]!.device, mode), ops, fallback });
    const prior = Float64Array.from(index.layers, (l) => layerModel.computeLayerMs(l));
    for (const m of Object.values(ops)) m.correction = { base: 0, learningRate: o.networkLearningRate, trees: [] };
    boostOnNetworks(samples, index, prior, (op) => ops[op]!.correction!, o.refineRounds, o);
  }
  const json: LearnedModelJson = { ...emptyJson(device, mode), ops, fallback };
  const model = new LearnedModel(json);
  const sums = samples.map((s) => s.layers.reduce((a, l) => a + model.layerMs(l), 0));
  const boundaries = new PrecisionBoundaries(device);
  const cal = fitCalibration(sums, samples.map((s) => s.latencyMs), samples.map((s) => boundaries.melems(s.layers)));
  return new LearnedModel({ ...json, ...cal });
}
