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
   * 0 fits the corrections freely; Infinity keeps the mixture of the known
   * devices (c + Σ a_k · source_k + m · MMACs) without per-group corrections.
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
 * Exact weighted NNLS for a handful of columns (the mixture's S + 2): the best
 * least-squares fit over every subset of columns whose solution is ≥ 0.
 * nnls.ts's coordinate descent needs tens of thousands of sweeps on columns
 * this collinear (every device's latency grows with the network); 2^k small
 * solves are exact and cheap for k ≤ 8.
 */
export function smallNnls(a: readonly Float64Array[], b: Float64Array, w: Float64Array): Float64Array {
  const k = a[0]?.length ?? 0;
  if (k > 12) throw new RangeError(`smallNnls: ${k} columns; use nnls`);
  // normal equations once, columns scaled to unit weighted RMS so the pivot test is scale-free
  const norm = Float64Array.from({ length: k }, (_, j) => Math.sqrt(a.reduce((s, r, i) => s + w[i]! * r[j]! ** 2, 0)) || 1);
  const q = Array.from({ length: k }, (_, j) => Float64Array.from({ length: k }, (_, l) => a.reduce((s, r, i) => s + (w[i]! * r[j]! * r[l]!) / (norm[j]! * norm[l]!), 0)));
  const c = Float64Array.from({ length: k }, (_, j) => a.reduce((s, r, i) => s + (w[i]! * r[j]! * b[i]!) / norm[j]!, 0));
  const bb = b.reduce((s, v, i) => s + w[i]! * v * v, 0);
  let best = new Float64Array(k);
  let bestErr = bb;
  for (let mask = 1; mask < 1 << k; mask++) {
    const cols = [...Array(k).keys()].filter((j) => mask & (1 << j));
    const m = cols.map((j) => [...cols.map((l) => q[j]![l]!), c[j]!]);
    let ok = true;
    for (let p = 0; p < cols.length && ok; p++) {
      let piv = p;
      for (let r = p + 1; r < cols.length; r++) if (Math.abs(m[r]![p]!) > Math.abs(m[piv]![p]!)) piv = r;
      if (Math.abs(m[piv]![p]!) < 1e-10) ok = false;
      else {
        [m[p], m[piv]] = [m[piv]!, m[p]!];
        for (let r = 0; r < cols.length; r++) {
          if (r === p) continue;
          const f = m[r]![p]! / m[p]![p]!;
          for (let l = p; l <= cols.length; l++) m[r]![l]! -= f * m[p]![l]!;
        }
      }
    }
    if (!ok) continue;
    const x = cols.map((_, p) => m[p]![cols.length]! / m[p]![p]!);
    if (x.some((v) => v < 0)) continue;
    // weighted residual: bb - 2 x·c + x·Q·x, and at the subset's least squares x·Q·x = x·c
    const err = bb - cols.reduce((s, j, p) => s + x[p]! * c[j]!, 0);
    if (err < bestErr - 1e-15) {
      bestErr = err;
      best = new Float64Array(k);
      cols.forEach((j, p) => (best[j] = x[p]! / norm[j]!));
    }
  }
  return best;
}

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
 * device as a mixture of the known ones: c + Σ_k a_k · source_k + m · MMACs
 * (S + 2 numbers ≥ 0 fitted on the same samples; each source's groups at a_k,
 * the MACs columns at m, the rest at 0). With few samples the fit stays near
 * the mixture, with many the per-group corrections take over. λ is chosen
 * from a grid by 10-fold cross-validated relative error on the samples
 * (λ = ∞: the mixture alone), the mixture refitted in every fold. Fewer than
 * MIN_LOO_SAMPLES samples fit the prior's scale (and from 3 samples its
 * offset) only; none keeps the prior.
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
  if (n < MIN_LOO_SAMPLES) {
    // too few to weigh the sources: the prior's shape with the device's offset and scale
    const [c, s] = nnls(samples.map((_, i) => Float64Array.of(1, prior[i]!)), y, w);
    return json(c! * unit, s! * unit, undefined, undefined, Infinity, NaN, []);
  }

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
  // The prior adapted to the device: the device as a mixture of the known ones (HELP's "a new device is
  // described by how it relates to the reference devices", here in its simplest, linear form):
  //   y ≈ c + Σ_k a_k · source_k(network) + m · MMACs(network),   all ≥ 0 (NNLS, relative error),
  // only S + 2 numbers, fitted on the same rows as the corrections. In the per-group coordinates below it sets
  // every group of source k at a_k and the MACs columns at m (the rest 0): the centre the ridge rows pull toward.
  const totals = samples.map((_, i) => Float64Array.from([1, ...rows.src[i]!.map(total), ...(options.work !== false ? [total(rows.work[i]![0]!)] : [])]));
  const mixtureCentre = (rowsIn: number[]): Float64Array => {
    const m = smallNnls(rowsIn.map((i) => totals[i]!), Float64Array.from(rowsIn, (i) => y[i]!), Float64Array.from(rowsIn, (i) => w[i]!));
    return Float64Array.from({ length: K + 1 }, (_, j) => {
      if (j === 0) return m[0]!;
      const col = j - 1;
      if (col < S * G) return m[1 + Math.floor(col / G)]! * norms[col]!;
      if (options.work !== false && col < (S + 1) * G) return m[1 + S]! * norms[col]!; // FEWSHOT_WORK[0] = MMACs
      return 0;
    });
  };
  const solve = (rowsIn: number[], lambda: number): Float64Array => {
    const centre = mixtureCentre(rowsIn);
    // λ = ∞: the mixture itself
    if (!Number.isFinite(lambda)) return centre;
    // ridge rows pull every coefficient but the constant toward the mixture; weights relative to the data's (≈ 1 per sample)
    const a = [...rowsIn.map((i) => design[i]!), ...Array.from({ length: K }, (_, j) => Float64Array.from({ length: K + 1 }, (_, l) => (l === j + 1 ? 1 : 0)))];
    const b = Float64Array.from([...rowsIn.map((i) => y[i]!), ...Array.from({ length: K }, (_, j) => centre[j + 1]!)]);
    const ww = Float64Array.from([...rowsIn.map((i) => w[i]!), ...Array.from({ length: K }, () => lambda)]);
    return nnls(a, b, ww, 3000);
  };
  const predict = (x: Float64Array, i: number) => design[i]!.reduce((a, v, j) => a + v * x[j]!, 0);
  const all = samples.map((_, i) => i);
  const grid = typeof options.lambda === 'number' ? [options.lambda] : [...(options.lambda ?? FEWSHOT_LAMBDAS)];
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
