import type { Rng } from '@oqat/core';
import { InvalidQuantOptionError } from '../errors';

// Stochastic quantization (SQ; Dong, Ni, Li, Chen, Zhu, Su: "Learning Accurate
// Low-Bit Deep Neural Networks with Stochastic Quantization", BMVC 2017).
// At each training iteration only a portion of a layer's filters (rows of its
// weight matrix; here output channels) is quantized, the rest stays in full
// precision. A filter i with quantization error
//   e_i = ||W_i - Q_i||_1 / ||W_i||_1
// is chosen with probability p_i = f(e_i) / Σ_j f(e_j), f(e) = 1 / (e + ε)
// (the paper's "linear" f; it also tries constant, softmax and sigmoid), by roulette
// selection without replacement until N_q = r·m of the m filters are chosen.
// The SQ ratio r grows stage by stage to 100 %.

/** The paper's SQ ratio schedule (its "exponential" scheme): 50 % → 75 % → 87.5 % → 100 % of the filters quantized. */
export const SQ_DEFAULT_RATIOS: readonly number[] = [0.5, 0.75, 0.875, 1];

/** ε of f(e) = 1 / (e + ε): a filter the grid holds exactly (e = 0) gets a finite, dominant weight. */
export const SQ_EPSILON = 1e-7;

/**
 * SQ's quantization error of each filter: e_i = Σ|W_i - Q_i| / Σ|W_i| over
 * the elements whose index along `axis` is i (an all-zero filter: 0). `w`
 * and `q` are the float and quantized weights in row-major order of `shape`.
 */
export function sqErrors(w: ArrayLike<number>, q: ArrayLike<number>, shape: readonly number[], axis: number): Float64Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new InvalidQuantOptionError('sqErrors', 'axis', axis, `an axis of the rank-${shape.length} weight`);
  }
  if (w.length !== size || q.length !== size) {
    throw new InvalidQuantOptionError('sqErrors', 'weights', `${w.length} and ${q.length} values`, `${size} values each (shape [${shape.join(', ')}])`);
  }
  const filters = shape[axis]!;
  // Row-major: the index along `axis` of element k is floor(k / inner) % filters.
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const diff = new Float64Array(filters);
  const norm = new Float64Array(filters);
  for (let k = 0; k < size; k++) {
    const i = Math.floor(k / inner) % filters;
    diff[i]! += Math.abs(w[k]! - q[k]!);
    norm[i]! += Math.abs(w[k]!);
  }
  return diff.map((d, i) => (norm[i]! > 0 ? d / norm[i]! : 0));
}

/** SQ's selection probabilities: p_i = f(e_i) / Σ_j f(e_j) with f(e) = 1 / (e + ε). */
export function sqProbabilities(errors: ArrayLike<number>): Float64Array {
  const f = Float64Array.from(errors, (e, i) => {
    if (!(e >= 0) || !Number.isFinite(e)) throw new InvalidQuantOptionError('sqProbabilities', `errors[${i}]`, e, 'a finite number >= 0');
    return 1 / (e + SQ_EPSILON);
  });
  const sum = f.reduce((a, b) => a + b, 0);
  return f.map((v) => v / sum);
}

/**
 * How many of `filters` filters an SQ ratio quantizes: m - ⌊(1 - r)·m⌋ (the
 * authors' code rounds the full-precision count down), so ratio 1 quantizes
 * all and ratio 0 none.
 */
export function sqQuantizedCount(ratio: number, filters: number): number {
  if (!(ratio >= 0 && ratio <= 1)) throw new InvalidQuantOptionError('sqQuantizedCount', 'ratio', ratio, 'a number in [0, 1]');
  // 1e-9 absorbs float error, e.g. (1 - 0.7) · 10 = 2.9999999999999996.
  return filters - Math.floor((1 - ratio) * filters + 1e-9);
}

/**
 * SQ's stochastic partition: chooses sqQuantizedCount(ratio, m) of the m
 * filters to quantize by roulette-wheel selection without replacement on
 * `probabilities` (each draw picks an unchosen filter with probability
 * proportional to its p_i; a chosen filter leaves the wheel). Returns 1 for
 * a quantized filter, 0 for a full-precision one. One rng.next() per chosen
 * filter (none at ratio 1 or 0), so a seeded generator gives the same mask.
 */
export function sqSelect(rng: Rng, probabilities: ArrayLike<number>, ratio: number): Uint8Array {
  const m = probabilities.length;
  const count = sqQuantizedCount(ratio, m);
  const chosen = new Uint8Array(m);
  if (count === m) return chosen.fill(1);
  for (let i = 0; i < m; i++) {
    const p = probabilities[i]!;
    if (!(p > 0) || !Number.isFinite(p)) throw new InvalidQuantOptionError('sqSelect', `probabilities[${i}]`, p, 'a finite number > 0');
  }
  for (let n = 0; n < count; n++) {
    // The wheel holds the unchosen filters (summed afresh each draw: no drift from subtracting).
    let remaining = 0;
    for (let i = 0; i < m; i++) if (!chosen[i]) remaining += probabilities[i]!;
    const u = rng.next() * remaining;
    let acc = 0;
    let pick = -1;
    for (let i = 0; i < m; i++) {
      if (chosen[i]) continue;
      pick = i;
      acc += probabilities[i]!;
      if (u < acc) break;
    }
    // Float rounding can leave u just above the last sum: the last unchosen filter takes it.
    chosen[pick] = 1;
  }
  return chosen;
}
