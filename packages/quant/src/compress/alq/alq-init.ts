import { alqFitCoefficients, alqFitGroupCoefficients, alqNearestCodes } from './alq-fit';
import { emptyAlqState, alqStateGroupLength, alqStateToGrouped, type AlqState } from './alq-state';

/** The paper's stopping rule of the greedy init: no further basis once the residual holds less than this share of ‖w‖². */
export const ALQ_INIT_RESIDUAL = 1e-6;

export interface AlqInitOptions {
  shape: readonly number[];
  order: readonly number[];
  groupSize: number;
  /** I_max: bases per group at most (the paper: 6 on CIFAR-10/MNIST, 8 on ImageNet) */
  maxBases: number;
  /** alternating refinement cycles after the greedy pass (Xu et al. 2018: codes given α, then α given codes); default 0 (the paper's init) */
  alternatingCycles?: number;
}

/**
 * ALQ's initialisation ("structured sketching"): each group of the float
 * weights w (row-major in shape) gets up to maxBases binary bases greedily:
 * β_i = sign of the residual, then all α so far refitted by least squares
 * on w, the residual recomputed; a group stops early once its residual is
 * below ALQ_INIT_RESIDUAL of its norm (so a group that is exactly a sum of
 * fewer bases keeps only those). Optional alternating cycles then refine
 * codes and coefficients on the reconstruction error.
 */
export function initAlq(weights: Float32Array, options: AlqInitOptions): AlqState {
  const s = emptyAlqState(options.shape, options.order, options.groupSize, options.maxBases);
  const w = alqStateToGrouped(s, weights);
  for (let g = 0; g < s.groups; g++) {
    const start = g * s.groupSize;
    const len = alqStateGroupLength(s, g);
    let norm = 0;
    for (let j = 0; j < len; j++) norm += w[start + j]! ** 2;
    const residual = Float64Array.from({ length: len }, (_, j) => w[start + j]!);
    for (let i = 0; i < s.maxBases; i++) {
      let r2 = 0;
      for (let j = 0; j < len; j++) r2 += residual[j]! ** 2;
      if (norm === 0 || r2 <= ALQ_INIT_RESIDUAL * norm) break;
      const slot = g * s.maxBases + i;
      s.active[slot] = 1;
      for (let j = 0; j < len; j++) s.signs[slot * s.groupSize + j] = residual[j]! >= 0 ? 1 : -1;
      alqFitGroupCoefficients(s, g, w, null);
      for (let j = 0; j < len; j++) {
        let v = 0;
        for (let q = 0; q <= i; q++) v += s.alpha[g * s.maxBases + q]! * s.signs[(g * s.maxBases + q) * s.groupSize + j]!;
        residual[j] = w[start + j]! - v;
      }
    }
  }
  for (let c = 0; c < (options.alternatingCycles ?? 0); c++) {
    alqNearestCodes(s, w);
    alqFitCoefficients(s, w, null);
  }
  // A basis whose least-squares α came out 0 adds nothing: the paper's init keeps only α ≠ 0.
  for (let slot = 0; slot < s.active.length; slot++) if (s.active[slot] && s.alpha[slot] === 0) s.active[slot] = 0;
  return s;
}
