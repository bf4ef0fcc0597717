import type { Rng } from '@oqat/core';
import { InvalidQuantOptionError, ShapeMismatchError } from '../../errors';
import { fromFloat16Bits, toFloat16Bits } from './float16';
import { vqElementOffsets, vqGeometry, VQ_MAX_CODEWORDS, type VqTensor } from './vq-tensor';

/** What the EM of one layer needs besides the weight. */
export interface VqEmOptions {
  /** d, elements per sub-vector (a divisor of the weights per output) */
  blockSize: number;
  /** k, codewords (at most the number of sub-vectors) */
  codewords: number;
  /** the output metric G (d×d, from vqInputGram); absent: the identity, plain k-means on the weights */
  gram?: Float64Array;
  /** EM iterations at most (stops earlier once no assignment changes) */
  iterations: number;
  /** the initial codewords' draw and the empty-cluster splits */
  rng: Rng;
  /** after each iteration: its number (from 0) and the objective then */
  onIteration?: (iteration: number, objective: number) => void;
}

export interface VqEmResult {
  tensor: VqTensor;
  /**
   * The relative output error after each iteration, Σ_n (v_n − c_a(n))ᵀ G (v_n − c_a(n)) / Σ_n v_nᵀ G v_n
   * (‖x̃(W − Ŵ)‖² / ‖x̃W‖² with the paper's x̃)
   */
  objective: number[];
  /** the same for the stored tensor (its codebook rounded to float16, the sub-vectors reassigned) */
  storedObjective: number;
  /** iterations run */
  iterations: number;
  /** empty clusters refilled by splitting, over all iterations */
  emptyClustersResolved: number;
}

/** The sub-vectors of a weight (n×d, float64), in VqTensor's order. */
export function vqSubVectors(weights: Float32Array, shape: readonly number[], blockSize: number): Float64Array {
  const offsets = vqElementOffsets(shape, blockSize);
  if (weights.length !== offsets.length) throw new ShapeMismatchError('vq', 'weights', weights.length, offsets.length);
  const out = new Float64Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = weights[offsets[i]!]!;
  return out;
}

function identity(d: number): Float64Array {
  const g = new Float64Array(d * d);
  for (let a = 0; a < d; a++) g[a * d + a] = 1;
  return g;
}

/** (x)ᵀ G (y) for d-vectors at offsets of two arrays. */
function bilinear(g: Float64Array, d: number, x: ArrayLike<number>, xo: number, y: ArrayLike<number>, yo: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) {
    let row = 0;
    for (let b = 0; b < d; b++) row += g[a * d + b]! * y[yo + b]!;
    s += x[xo + a]! * row;
  }
  return s;
}

/**
 * The E-step: each sub-vector's codeword minimising its output error
 * (v − c)ᵀ G (v − c) = cᵀGc − 2 vᵀGc + vᵀGv (ties to the lower index).
 * Writes `assignments` and returns the total error.
 */
export function assignVq(subVectors: Float64Array, codebook: ArrayLike<number>, gram: Float64Array, d: number, assignments: Int32Array): number {
  const k = codebook.length / d;
  const n = subVectors.length / d;
  // G·c and cᵀGc per codeword, once
  const gc = new Float64Array(k * d);
  const cgc = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += gram[a * d + b]! * codebook[j * d + b]!;
      gc[j * d + a] = s;
    }
    let q = 0;
    for (let a = 0; a < d; a++) q += codebook[j * d + a]! * gc[j * d + a]!;
    cgc[j] = q;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const vo = i * d;
    let best = 0;
    let bestScore = Infinity;
    for (let j = 0; j < k; j++) {
      let dot = 0;
      const co = j * d;
      for (let a = 0; a < d; a++) dot += subVectors[vo + a]! * gc[co + a]!;
      const score = cgc[j]! - 2 * dot;
      if (score < bestScore) {
        bestScore = score;
        best = j;
      }
    }
    assignments[i] = best;
    total += Math.max(0, bestScore + bilinear(gram, d, subVectors, vo, subVectors, vo));
  }
  return total;
}

/** The M-step: each used codeword becomes the mean of its sub-vectors (the exact minimiser of Σ (v − c)ᵀG(v − c) for any G ⪰ 0). */
function updateCodebook(subVectors: Float64Array, assignments: Int32Array, codebook: Float64Array, d: number): Int32Array {
  const k = codebook.length / d;
  const counts = new Int32Array(k);
  const sums = new Float64Array(k * d);
  for (let i = 0; i < assignments.length; i++) {
    const j = assignments[i]!;
    counts[j]++;
    for (let a = 0; a < d; a++) sums[j * d + a] += subVectors[i * d + a]!;
  }
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue;
    for (let a = 0; a < d; a++) codebook[j * d + a] = sums[j * d + a]! / counts[j]!;
  }
  return counts;
}

/**
 * Empty clusters. The authors copy the most populated cluster's codeword to
 * the empty one, ±ε apart, and reassign: that splits the cluster's
 * sub-vectors by the sign of (v − c)ᵀGε. This does that split directly: the
 * members of the most populated cluster go to the empty one where
 * (v − mean)ᵀ G r > 0 for a random direction r (in order, alternately, if
 * none or all do); the M-step then centres both halves, so the objective
 * cannot rise (each half's mean does at least as well as the old codeword).
 * A cluster whose sub-vectors are all equal cannot be split, so the most
 * populated cluster with some spread is taken; when none is left (k above
 * the distinct sub-vectors) the rest stay empty and keep their codewords.
 * Returns how many were refilled.
 */
function resolveEmpty(subVectors: Float64Array, gram: Float64Array, d: number, k: number, assignments: Int32Array, rng: Rng): number {
  let resolved = 0;
  for (let round = 0; round < k; round++) {
    const counts = new Int32Array(k);
    for (const j of assignments) counts[j]++;
    const empty: number[] = [];
    for (let j = 0; j < k; j++) if (counts[j] === 0) empty.push(j);
    if (empty.length === 0) break;
    const spread = new Uint8Array(k);
    const first = new Int32Array(k).fill(-1);
    for (let i = 0; i < assignments.length; i++) {
      const j = assignments[i]!;
      if (first[j] === -1) first[j] = i;
      else if (!spread[j]) {
        for (let a = 0; a < d; a++) {
          if (subVectors[i * d + a] !== subVectors[first[j]! * d + a]) {
            spread[j] = 1;
            break;
          }
        }
      }
    }
    let m = -1;
    for (let j = 0; j < k; j++) if (spread[j] && (m < 0 || counts[j]! > counts[m]!)) m = j;
    if (m < 0) break;
    const e = empty[rng.int(empty.length)]!;
    const members: number[] = [];
    const mean = new Float64Array(d);
    for (let i = 0; i < assignments.length; i++) {
      if (assignments[i] !== m) continue;
      members.push(i);
      for (let a = 0; a < d; a++) mean[a] += subVectors[i * d + a]!;
    }
    for (let a = 0; a < d; a++) mean[a] /= members.length;
    const r = Float64Array.from({ length: d }, () => rng.normal());
    const gr = new Float64Array(d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) gr[a] += gram[a * d + b]! * r[b]!;
    const side = members.map((i) => {
      let p = 0;
      for (let a = 0; a < d; a++) p += (subVectors[i * d + a]! - mean[a]!) * gr[a]!;
      return p > 0;
    });
    const moved = side.filter(Boolean).length;
    members.forEach((i, t) => {
      if (moved === 0 || moved === members.length ? t % 2 === 1 : side[t]) assignments[i] = e;
    });
    resolved++;
  }
  return resolved;
}

/** Σ_n (v_n − c_a(n))ᵀ G (v_n − c_a(n)). */
export function vqOutputError(subVectors: Float64Array, codebook: ArrayLike<number>, gram: Float64Array, d: number, assignments: Int32Array): number {
  const r = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < assignments.length; i++) {
    const co = assignments[i]! * d;
    for (let a = 0; a < d; a++) r[a] = subVectors[i * d + a]! - codebook[co + a]!;
    total += bilinear(gram, d, r, 0, r, 0);
  }
  return total;
}

/**
 * Fits one layer's codebook and assignments by the paper's EM on the output
 * objective (E: assignVq under G; M: the mean of each cluster; empty clusters
 * split from the most populated one), from k distinct sub-vectors drawn by
 * `rng` as the initial codewords (the authors draw k columns with
 * replacement). The codebook is stored in float16 and the sub-vectors
 * reassigned to the rounded codewords.
 */
export function fitVq(weights: Float32Array, shape: readonly number[], options: VqEmOptions): VqEmResult {
  const { blockSize: d, codewords: k, iterations, rng } = options;
  const { subVectors: n } = vqGeometry(shape, d);
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, VQ_MAX_CODEWORDS)) {
    throw new InvalidQuantOptionError('vq', 'codewords', k, `an integer in 1..${Math.min(n, VQ_MAX_CODEWORDS)} (the ${n} sub-vectors of d = ${d} in [${shape.join(', ')}])`);
  }
  if (!Number.isInteger(iterations) || iterations < 1) throw new InvalidQuantOptionError('vq', 'iterations', iterations, 'a positive integer');
  const gram = options.gram ?? identity(d);
  if (gram.length !== d * d) throw new ShapeMismatchError('vq', 'gram', gram.length, d * d);
  const v = vqSubVectors(weights, shape, d);
  let energy = 0;
  for (let i = 0; i < n; i++) energy += bilinear(gram, d, v, i * d, v, i * d);
  const norm = energy > 0 ? energy : 1;

  const codebook = new Float64Array(k * d);
  const order = rng.permutation(n);
  for (let j = 0; j < k; j++) codebook.set(v.subarray(order[j]! * d, order[j]! * d + d), j * d);

  const assignments = new Int32Array(n);
  const previous = new Int32Array(n).fill(-1);
  const objective: number[] = [];
  let emptyClustersResolved = 0;
  let run = 0;
  while (run < iterations) {
    assignVq(v, codebook, gram, d, assignments);
    const resolved = resolveEmpty(v, gram, d, k, assignments, rng);
    emptyClustersResolved += resolved;
    updateCodebook(v, assignments, codebook, d);
    const error = vqOutputError(v, codebook, gram, d, assignments) / norm;
    objective.push(error);
    options.onIteration?.(run, error);
    run++;
    let changed = resolved > 0;
    for (let i = 0; i < n && !changed; i++) changed = assignments[i] !== previous[i];
    if (!changed) break;
    previous.set(assignments);
  }

  const bits = Uint16Array.from(codebook, toFloat16Bits);
  const rounded = Float64Array.from(bits, fromFloat16Bits);
  assignVq(v, rounded, gram, d, assignments);
  const indices = k <= 256 ? Uint8Array.from(assignments) : Uint16Array.from(assignments);
  const storedObjective = vqOutputError(v, rounded, gram, d, assignments) / norm;
  return {
    tensor: { method: 'vq', shape: [...shape], blockSize: d, codewords: k, codebook: bits, indices },
    objective,
    storedObjective,
    iterations: run,
    emptyClustersResolved,
  };
}
