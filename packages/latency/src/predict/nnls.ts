/**
 * Non-negative weighted least squares, min_x sum_i w_i (a_i . x - b_i)^2,
 * x >= 0, by cyclic coordinate descent on the normal equations (columns
 * scaled to unit norm first). For the few dozen unknowns of a linear prior.
 */
export function nnls(a: Float64Array[], b: Float64Array, w: Float64Array, sweeps = 2000): Float64Array {
  const n = a.length;
  const k = n ? a[0]!.length : 0;
  const norm = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i]! * a[i]![j]! ** 2;
    norm[j] = s > 0 ? Math.sqrt(s) : 1;
  }
  const q = Array.from({ length: k }, () => new Float64Array(k));
  const c = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const row = a[i]!;
    for (let j = 0; j < k; j++) {
      const aj = (row[j]! / norm[j]!) * w[i]!;
      c[j] += aj * b[i]!;
      for (let l = 0; l < k; l++) q[j]![l] += (aj * row[l]!) / norm[l]!;
    }
  }
  const x = new Float64Array(k);
  for (let s = 0; s < sweeps; s++) {
    let change = 0;
    for (let j = 0; j < k; j++) {
      const qjj = q[j]![j]!;
      if (qjj <= 0) continue;
      let grad = -c[j]!;
      for (let l = 0; l < k; l++) grad += q[j]![l]! * x[l]!;
      const next = Math.max(0, x[j]! - grad / qjj);
      change = Math.max(change, Math.abs(next - x[j]!));
      x[j] = next;
    }
    if (change < 1e-12) break;
  }
  for (let j = 0; j < k; j++) x[j] = x[j]! / norm[j]!;
  return x;
}

export interface Calibration {
  constantMs: number;
  scale: number;
  convertMsPerMelem: number;
}

/**
 * Network calibration `y = constant + scale * s + convert * b` (s: sum of
 * layer estimates, b: precision-boundary Melems) minimising relative squared
 * error, all coefficients >= 0 and scale > 0.
 */
export function fitCalibration(sums: ArrayLike<number>, targets: ArrayLike<number>, boundaries?: ArrayLike<number>): Calibration {
  const rows = Array.from({ length: sums.length }, (_, i) => Float64Array.of(1, sums[i]!, boundaries ? boundaries[i]! : 0));
  const w = Float64Array.from({ length: sums.length }, (_, i) => 1 / targets[i]! ** 2);
  const [constantMs, scale, convert] = nnls(rows, Float64Array.from(targets), w);
  return scale! > 0 ? { constantMs: constantMs!, scale: scale!, convertMsPerMelem: convert! } : { constantMs: 0, scale: 1, convertMsPerMelem: 0 };
}
