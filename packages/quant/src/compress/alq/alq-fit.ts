import { solveSmall } from './alq-solve';
import { alqStateGroupLength, type AlqState } from './alq-state';

function activeSlots(s: AlqState, g: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.maxBases; i++) if (s.active[g * s.maxBases + i]) out.push(g * s.maxBases + i);
  return out;
}

/**
 * Coefficients of group g given its bases: the α minimising
 * Σ_j h_j (target_j − Σ_i α_i β_ij)² (h = 1 when absent), i.e.
 * (Bᵀ H B) α = Bᵀ H target; then every negative α turns positive with its
 * basis negated (the same weights).
 */
export function alqFitGroupCoefficients(s: AlqState, g: number, target: Float32Array, h: Float32Array | null): void {
  const slots = activeSlots(s, g);
  const k = slots.length;
  if (k === 0) return;
  const start = g * s.groupSize;
  const len = alqStateGroupLength(s, g);
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let j = 0; j < len; j++) {
    const w = h ? h[start + j]! : 1;
    const t = target[start + j]!;
    for (let p = 0; p < k; p++) {
      const bp = s.signs[slots[p]! * s.groupSize + j]!;
      b[p] += w * bp * t;
      for (let q = p; q < k; q++) A[p * k + q] += w * bp * s.signs[slots[q]! * s.groupSize + j]!;
    }
  }
  for (let p = 0; p < k; p++) for (let q = 0; q < p; q++) A[p * k + q] = A[q * k + p]!;
  const x = solveSmall(A, b, k);
  for (let p = 0; p < k; p++) {
    const slot = slots[p]!;
    let a = x[p]!;
    if (a < 0) {
      a = -a;
      const row = slot * s.groupSize;
      for (let j = 0; j < len; j++) s.signs[row + j] = -s.signs[row + j]!;
    }
    s.alpha[slot] = a;
  }
}

/** alqFitGroupCoefficients for every group. */
export function alqFitCoefficients(s: AlqState, target: Float32Array, h: Float32Array | null): void {
  for (let g = 0; g < s.groups; g++) alqFitGroupCoefficients(s, g, target, h);
}

/**
 * Bases of group g given its coefficients: each weight takes the sign
 * combination whose level Σ_i ±α_i is nearest its target (the 2^I levels of
 * the group sorted once, then a binary search per weight). With a diagonal
 * quadratic model the per-weight choice is exact: the weighting h_j does not
 * change which level is nearest.
 */
export function alqNearestGroupCodes(s: AlqState, g: number, target: Float32Array): void {
  const slots = activeSlots(s, g);
  const k = slots.length;
  if (k === 0) return;
  const count = 1 << k;
  const levels = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    let v = 0;
    for (let p = 0; p < k; p++) v += (c >> p) & 1 ? s.alpha[slots[p]!]! : -s.alpha[slots[p]!]!;
    levels[c] = v;
  }
  const codes = Array.from({ length: count }, (_, c) => c).sort((a, b) => levels[a]! - levels[b]!);
  const sorted = Float64Array.from(codes, (c) => levels[c]!);
  const start = g * s.groupSize;
  const len = alqStateGroupLength(s, g);
  for (let j = 0; j < len; j++) {
    const t = target[start + j]!;
    let lo = 0;
    let hi = count - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= t) lo = mid;
      else hi = mid;
    }
    const best = Math.abs(sorted[hi]! - t) < Math.abs(sorted[lo]! - t) ? hi : lo;
    const c = codes[best]!;
    for (let p = 0; p < k; p++) s.signs[slots[p]! * s.groupSize + j] = (c >> p) & 1 ? 1 : -1;
  }
}

/** alqNearestGroupCodes for every group. */
export function alqNearestCodes(s: AlqState, target: Float32Array): void {
  for (let g = 0; g < s.groups; g++) alqNearestGroupCodes(s, g, target);
}
