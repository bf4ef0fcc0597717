/** Held-out accuracy of a latency predictor (the `oqat latency fit` JSON line). */
export interface LatencyMetrics {
  rmseMs: number;
  /** mean absolute percentage error, a fraction (0.05 = 5 %) */
  mape: number;
  /** share of predictions within +-10 % of the measured latency, a fraction */
  within10: number;
  /** Spearman rank correlation of predicted vs measured */
  spearman: number;
  n: number;
}

/** Ranks 1..n, ties get their average rank. */
export function ranks(values: readonly number[]): Float64Array {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]![1]] = avg;
    i = j + 1;
  }
  return r;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const mean = (n + 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

export function latencyMetrics(predictedMs: readonly number[], measuredMs: readonly number[]): LatencyMetrics {
  const n = measuredMs.length;
  let se = 0;
  let ape = 0;
  let within = 0;
  for (let i = 0; i < n; i++) {
    const err = predictedMs[i]! - measuredMs[i]!;
    se += err * err;
    const rel = Math.abs(err) / measuredMs[i]!;
    ape += rel;
    if (rel <= 0.1) within++;
  }
  return {
    rmseMs: n ? Math.sqrt(se / n) : 0,
    mape: n ? ape / n : 0,
    within10: n ? within / n : 0,
    spearman: spearman(predictedMs, measuredMs),
    n,
  };
}
