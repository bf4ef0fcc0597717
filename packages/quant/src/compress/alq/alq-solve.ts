/**
 * Solves the k×k symmetric positive semi-definite system A x = b (A row-major)
 * by Gaussian elimination with partial pivoting; a pivot below `tolerance`
 * times the largest diagonal entry gets that much ridge, so a singular system
 * (two equal bases) still yields a least-squares-like answer. A and b are
 * overwritten.
 */
export function solveSmall(A: Float64Array, b: Float64Array, k: number, tolerance = 1e-10): Float64Array {
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(A[i * k + i]!));
  const ridge = Math.max(scale, 1e-30) * tolerance;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(A[r * k + col]!) > Math.abs(A[pivot * k + col]!)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < k; c++) {
        const t = A[col * k + c]!;
        A[col * k + c] = A[pivot * k + c]!;
        A[pivot * k + c] = t;
      }
      const t = b[col]!;
      b[col] = b[pivot]!;
      b[pivot] = t;
    }
    if (Math.abs(A[col * k + col]!) < ridge) A[col * k + col] = A[col * k + col]! >= 0 ? A[col * k + col]! + ridge : A[col * k + col]! - ridge;
    const d = A[col * k + col]!;
    for (let r = col + 1; r < k; r++) {
      const f = A[r * k + col]! / d;
      if (f === 0) continue;
      for (let c = col; c < k; c++) A[r * k + c] -= f * A[col * k + c]!;
      b[r] -= f * b[col]!;
    }
  }
  const x = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < k; c++) s -= A[r * k + c]! * x[c]!;
    x[r] = s / A[r * k + r]!;
  }
  return x;
}
