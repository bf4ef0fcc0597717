/**
 * Weighted ridge regression with a penalty per column,
 * min_x sum_i w_i (a_i . x - b_i)^2 + sum_j penalty_j (x_j - centre_j)^2,
 * solved on the normal equations (a few dozen unknowns). `looError` is the
 * weighted mean squared leave-one-out residual, in closed form from the hat
 * matrix (e_i / (1 - h_ii)), so a penalty can be chosen on the training
 * samples themselves.
 */
export interface RidgeFit {
  x: Float64Array;
  looError: number;
}

/** Solves the symmetric positive-definite system m x = v in place (Gaussian elimination, partial pivoting). */
function solve(m: Float64Array[], v: Float64Array): Float64Array {
  const k = v.length;
  const a = m.map((row) => Float64Array.from(row));
  const b = Float64Array.from(v);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    const d = a[c]![c]!;
    if (Math.abs(d) < 1e-300) continue;
    for (let r = c + 1; r < k; r++) {
      const f = a[r]![c]! / d;
      if (f === 0) continue;
      for (let j = c; j < k; j++) a[r]![j] -= f * a[c]![j]!;
      b[r] -= f * b[c]!;
    }
  }
  const x = new Float64Array(k);
  for (let c = k - 1; c >= 0; c--) {
    let s = b[c]!;
    for (let j = c + 1; j < k; j++) s -= a[c]![j]! * x[j]!;
    const d = a[c]![c]!;
    x[c] = Math.abs(d) < 1e-300 ? 0 : s / d;
  }
  return x;
}

export function ridge(
  a: readonly Float64Array[],
  b: ArrayLike<number>,
  w: ArrayLike<number>,
  penalty: ArrayLike<number>,
  centre?: ArrayLike<number>,
): RidgeFit {
  const n = a.length;
  const k = penalty.length;
  const m = Array.from({ length: k }, () => new Float64Array(k));
  const v = new Float64Array(k);
  // A tiny relative jitter keeps unpenalised, collinear columns solvable.
  for (let i = 0; i < n; i++) {
    const row = a[i]!;
    for (let j = 0; j < k; j++) {
      const wa = w[i]! * row[j]!;
      v[j] += wa * b[i]!;
      for (let l = 0; l < k; l++) m[j]![l] += wa * row[l]!;
    }
  }
  for (let j = 0; j < k; j++) {
    const p = penalty[j]! + 1e-10 * (m[j]![j]! || 1);
    m[j]![j] += p;
    v[j] += p * (centre ? centre[j]! : 0);
  }
  const x = solve(m, v);
  let loo = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const row = a[i]!;
    const z = solve(m, row);
    let h = 0;
    let pred = 0;
    for (let j = 0; j < k; j++) {
      h += row[j]! * z[j]!;
      pred += row[j]! * x[j]!;
    }
    h *= w[i]!;
    const e = (b[i]! - pred) / Math.max(1e-6, 1 - h);
    loo += w[i]! * e * e;
    wsum += w[i]!;
  }
  return { x, looError: wsum > 0 ? loo / wsum : 0 };
}
