import { MixedDevicesError, NotEnoughSamplesError } from '../errors';
import type { LayerDesc, LatencySample } from '../ir/layer-desc';
import { PREDICTOR_FORMAT, PREDICTOR_VERSION, type FewShotModelJson } from './cost-model';
import { FEWSHOT_GROUPS, FEWSHOT_WORK, FewShotModel, fewShotGroup, layerWorkFeatures, type PriorSource } from './fewshot-model';
import { PrecisionBoundaries } from './precision-boundaries';
import { nnls } from './nnls';

export interface FewShotFitOptions {
  /**
   * The shrinkage strength toward the prior: one value, or a grid to choose
   * from by cross-validated relative error on the samples (default FEWSHOT_LAMBDAS).
   * 0 fits the corrections freely; Infinity keeps the prior's shape and fits
   * only its scale and offset.
   */
  lambda: number | readonly number[];
  /** also offer the work features (MACs, bit operations, layer count per op group) as corrections; default true */
  work: boolean;
  /** networks that set each source's weight in the prior when there are no samples (default: the samples' own networks) */
  reference?: ReadonlyArray<readonly LayerDesc[]>;
}

/** The shrinkage grid `fitFewShot` chooses from by cross-validated error. */
export const FEWSHOT_LAMBDAS: readonly number[] = [0.001, 0.01, 0.1, 1, Infinity];

/** Fewest samples for which the corrections are fitted, λ by cross-validation (fewer: the prior's shape, scaled). */
const MIN_LOO_SAMPLES = 5;
const BIG = 1e12;

interface Rows {
  /** [sample][source][group] sums of the source's layer ms */
  src: Float64Array[][];
  /** [sample][feature][group] sums of work features */
  work: Float64Array[][];
  boundary: Float64Array;
}

function networkRows(networks: ReadonlyArray<readonly LayerDesc[]>, sources: readonly PriorSource[], device: string): Rows {
  const boundaries = new PrecisionBoundaries(device);
  const feat = new Float64Array(FEWSHOT_WORK.length);
  const G = FEWSHOT_GROUPS.length;
  const src = networks.map(() => sources.map(() => new Float64Array(G)));
  const work = networks.map(() => FEWSHOT_WORK.map(() => new Float64Array(G)));
  networks.forEach((layers, i) => {
    for (const layer of layers) {
      const g = fewShotGroup(layer.op);
      sources.forEach((s, k) => (src[i]![k]![g] += s.layerMs(layer)));
      layerWorkFeatures(layer, feat);
      for (let f = 0; f < feat.length; f++) work[i]![f]![g] += feat[f]!;
    }
  });
  return { src, work, boundary: Float64Array.from(networks, (l) => boundaries.melems(l)) };
}

const total = (groups: Float64Array) => groups.reduce((a, b) => a + b, 0);

/**
 * Fits a device's latency predictor from few measured networks on top of
 * known devices (the prior sources: simulators, fitted predictors of other
 * devices). The prior is the mean of the sources' network latencies, each
 * normalised to mean 1 on the reference networks; the device's model is
 *
 *   latency ≈ c + Σ_j v_j · feature_j,   all v_j ≥ 0 (NNLS),
 *
 * where the features are each source's per-op-group layer sums (so a device
 * may weigh depthwise layers like one source and 1×1 convolutions like
 * another), the work features per op group and the precision-boundary
 * elements. Ridge rows (penalty λ, features scaled to unit RMS, latencies in
 * units of their mean: relative squared error) pull every v_j toward the
 * prior scaled to the device (source columns at s · prior weight, the rest
 * at 0; s fitted first). With few samples the fit stays the scaled prior,
 * with many the data take over. λ is chosen from a grid by 10-fold
 * cross-validated relative error on the samples. Fewer than MIN_LOO_SAMPLES
 * samples fit the scale (and from 3 samples the offset) only; none keeps the
 * prior.
 */
export function fitFewShot(samples: readonly LatencySample[], sources: readonly PriorSource[], options: Partial<FewShotFitOptions> = {}): FewShotModel {
  if (sources.length === 0) throw new NotEnoughSamplesError('fitFewShot prior sources', 0, 1);
  const devices = [...new Set(samples.map((s) => s.device))];
  if (devices.length > 1) throw new MixedDevicesError('fitFewShot', devices);
  const device = devices[0] ?? 'unknown';
  const n = samples.length;
  const G = FEWSHOT_GROUPS.length;
  const S = sources.length;
  const rows = networkRows(samples.map((s) => s.layers), sources, device);
  const reference = options.reference ?? samples.map((s) => s.layers);
  const refRows = options.reference ? networkRows(reference, sources, device) : rows;
  const refMeans = sources.map((_, k) => (refRows.src.length ? refRows.src.reduce((a, r) => a + total(r[k]!), 0) / refRows.src.length : 1));
  const priorWeights = refMeans.map((m) => (m > 0 ? 1 / (S * m) : 0));
  const prior = rows.src.map((r) => r.reduce((a, groups, k) => a + priorWeights[k]! * total(groups), 0));

  const json = (c: number, s: number, v: Float64Array | undefined, norms: Float64Array | undefined, lambda: number, loo: number, lambdas: FewShotModelJson['fit']['lambdas']): FewShotModel => {
    const sourceCoef = sources.map((_, k) => Array.from({ length: G }, (_, g) => s * priorWeights[k]! + (v ? v[k * G + g]! / norms![k * G + g]! : 0)));
    const workCoef = FEWSHOT_WORK.map((_, f) => Array.from({ length: G }, (_, g) => (v ? v[(S + f) * G + g]! / norms![(S + f) * G + g]! : 0)));
    const b = (S + FEWSHOT_WORK.length) * G;
    const model: FewShotModelJson = {
      format: PREDICTOR_FORMAT,
      version: PREDICTOR_VERSION,
      kind: 'fewshot',
      device,
      constantMs: c,
      scale: 1,
      convertMsPerMelem: v ? v[b]! / norms![b]! : 0,
      groups: [...FEWSHOT_GROUPS],
      work: [...FEWSHOT_WORK],
      sources: sources.map((src) => src.json),
      sourceCoef,
      workCoef,
      fit: { samples: n, lambda, looRelativeRmse: loo, priorWeights, lambdas },
    };
    return new FewShotModel(model);
  };

  if (n === 0) return json(0, 1, undefined, undefined, Infinity, NaN, []);
  // latencies in units of their mean, so the penalty weighs against relative errors whatever the device's ms
  const unit = samples.reduce((a, s) => a + s.latencyMs, 0) / n;
  const y = Float64Array.from(samples, (s) => s.latencyMs / unit);
  const w = Float64Array.from(y, (v) => 1 / (v * v));
  // the prior's scale: relative least squares through the origin (also the whole fit below 3 samples)
  let num = 0;
  let den = 0;
  prior.forEach((p, i) => ((num += w[i]! * p * y[i]!), (den += w[i]! * p * p)));
  const priorScale = den > 0 ? num / den : 1;
  if (n < 3) return json(0, priorScale * unit, undefined, undefined, Infinity, NaN, []);

  // Columns: constant, then every per-layer term (source x group, work x group) and the boundary elements,
  // scaled to unit RMS; all coefficients >= 0 (latency only grows with work).
  const K = (S + FEWSHOT_WORK.length) * G + 1;
  const raw = samples.map((_, i) => {
    const r = new Float64Array(K);
    rows.src[i]!.forEach((groups, k) => groups.forEach((v, g) => (r[k * G + g] = v)));
    rows.work[i]!.forEach((groups, f) => groups.forEach((v, g) => (r[(S + f) * G + g] = v)));
    r[K - 1] = rows.boundary[i]!;
    return r;
  });
  const norms = new Float64Array(K);
  for (let j = 0; j < K; j++) norms[j] = Math.sqrt(raw.reduce((a, r) => a + r[j]! ** 2, 0) / n) || 1;
  const usable = (j: number) => options.work !== false || j < S * G;
  const design = raw.map((r) => {
    const d = new Float64Array(K + 1);
    d[0] = 1;
    for (let j = 0; j < K; j++) d[j + 1] = usable(j) ? r[j]! / norms[j]! : 0;
    return d;
  });
  // The prior in these coordinates: each source group at the scaled prior's weight, the rest 0.
  const centre = Float64Array.from({ length: K + 1 }, (_, j) => (j >= 1 && j - 1 < S * G ? priorScale * priorWeights[Math.floor((j - 1) / G)]! * norms[j - 1]! : 0));
  const solve = (rowsIn: number[], lambda: number): Float64Array => {
    if (!Number.isFinite(lambda)) {
      // the prior's shape: only its offset and scale
      const a = rowsIn.map((i) => Float64Array.of(1, prior[i]!));
      const [c, s] = nnls(a, Float64Array.from(rowsIn, (i) => y[i]!), Float64Array.from(rowsIn, (i) => w[i]!));
      return Float64Array.from(centre, (v, j) => (j === 0 ? c! : (v * s!) / priorScale));
    }
    // ridge rows pull every coefficient but the constant toward the prior; weights relative to the data's (≈ 1 per sample)
    const a = [...rowsIn.map((i) => design[i]!), ...Array.from({ length: K }, (_, j) => Float64Array.from({ length: K + 1 }, (_, l) => (l === j + 1 ? 1 : 0)))];
    const b = Float64Array.from([...rowsIn.map((i) => y[i]!), ...Array.from({ length: K }, (_, j) => centre[j + 1]!)]);
    const ww = Float64Array.from([...rowsIn.map((i) => w[i]!), ...Array.from({ length: K }, () => lambda)]);
    return nnls(a, b, ww, 3000);
  };
  const predict = (x: Float64Array, i: number) => design[i]!.reduce((a, v, j) => a + v * x[j]!, 0);
  const all = samples.map((_, i) => i);
  const grid = n < MIN_LOO_SAMPLES ? [Infinity] : typeof options.lambda === 'number' ? [options.lambda] : [...(options.lambda ?? FEWSHOT_LAMBDAS)];
  const folds = Math.min(n, 10);
  const tried = grid.map((lambda) => {
    if (grid.length === 1) return { lambda, looRelativeRmse: NaN };
    let err = 0;
    for (let f = 0; f < folds; f++) {
      const held = all.filter((i) => i % folds === f);
      const x = solve(all.filter((i) => i % folds !== f), lambda);
      for (const i of held) err += ((predict(x, i) - y[i]!) / y[i]!) ** 2;
    }
    return { lambda, looRelativeRmse: Math.sqrt(err / n) };
  });
  const best = tried.reduce((a, b) => (b.looRelativeRmse < a.looRelativeRmse ? b : a));
  const x = solve(all, best.lambda);
  // back to per-unit coefficients; the source columns' prior part is carried by `v` itself (scale 0 below)
  return json(x[0]! * unit, 0, x.subarray(1).map((v) => v * unit), norms, best.lambda, best.looRelativeRmse, tried);
}
