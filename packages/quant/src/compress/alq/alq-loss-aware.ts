import { alqFitCoefficients, alqNearestCodes } from './alq-fit';
import { alqReconstructGrouped, alqStateGroupLength, forEachActiveSlot, type AlqState } from './alq-state';

/**
 * ALQ's quadratic model of the loss around the current weights,
 *   ℓ(ŵ + Δ) ≈ ℓ(ŵ) + gᵀΔ + ½ Δᵀ diag(h) Δ,
 * takes g and the diagonal Hessian h from Adam's moments (AMSGrad, as the
 * authors' optimiser): g = lr·m/(1−β1^t), h = (√v_max + ε)/√(1−β2^t). Its
 * unconstrained minimiser ŵ − g/h is Adam's step. The same moments are kept
 * in the α domain for the coefficient steps.
 */
export interface AlqMoments {
  m: Float32Array;
  v: Float32Array;
  vmax: Float32Array;
  step: number;
}

export interface AlqAdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** The authors' optimiser settings (PyTorch Adam's defaults; lr from the paper's CIFAR-10/MNIST runs). */
export const ALQ_ADAM: AlqAdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export function createAlqMoments(n: number): AlqMoments {
  return { m: new Float32Array(n), v: new Float32Array(n), vmax: new Float32Array(n), step: 0 };
}

/** One AMSGrad moment update with gradient g. */
export function updateAlqMoments(mo: AlqMoments, g: Float32Array, options: AlqAdamOptions): void {
  const { beta1, beta2 } = options;
  mo.step++;
  for (let k = 0; k < g.length; k++) {
    const gk = g[k]!;
    mo.m[k] = beta1 * mo.m[k]! + (1 - beta1) * gk;
    const v = beta2 * mo.v[k]! + (1 - beta2) * gk * gk;
    mo.v[k] = v;
    if (v > mo.vmax[k]!) mo.vmax[k] = v;
  }
}

/** The quadratic model's gradient and diagonal Hessian from the moments (see AlqMoments). */
export function alqQuadraticModel(mo: AlqMoments, options: AlqAdamOptions): { grad: Float32Array; hessian: Float32Array } {
  const t = Math.max(mo.step, 1);
  const c1 = options.lr / (1 - options.beta1 ** t);
  const c2 = Math.sqrt(1 - options.beta2 ** t);
  const grad = new Float32Array(mo.m.length);
  const hessian = new Float32Array(mo.m.length);
  for (let k = 0; k < grad.length; k++) {
    grad[k] = c1 * mo.m[k]!;
    hessian[k] = (Math.sqrt(mo.vmax[k]!) + options.eps) / c2;
  }
  return { grad, hessian };
}

/** A weight-domain vector (grouped order) in the α domain: Bᵀx per active slot (0 for pruned ones). */
export function alqAlphaDomain(s: AlqState, x: Float32Array): Float32Array {
  const out = new Float32Array(s.alpha.length);
  forEachActiveSlot(s, (slot, start, len, row) => {
    let v = 0;
    for (let j = 0; j < len; j++) v += s.signs[row + j]! * x[start + j]!;
    out[slot] = v;
  });
  return out;
}

/** A diagonal weight-domain curvature in the α domain: diag(Bᵀ diag(x) B) = Σ_j x_j per active slot (β² = 1). */
export function alqAlphaCurvature(s: AlqState, x: Float32Array): Float32Array {
  const out = new Float32Array(s.alpha.length);
  for (let g = 0; g < s.groups; g++) {
    const start = g * s.groupSize;
    const len = alqStateGroupLength(s, g);
    let sum = 0;
    for (let j = 0; j < len; j++) sum += x[start + j]!;
    for (let i = 0; i < s.maxBases; i++) if (s.active[g * s.maxBases + i]) out[g * s.maxBases + i] = sum;
  }
  return out;
}

/**
 * After a basis step the α-domain moments are re-derived from the weight
 * domain's (the authors' approximation): m_α = Bᵀm, v_α = diag(Bᵀ diag(v) B).
 */
export function alqAlphaMomentsFrom(s: AlqState, w: AlqMoments, alpha: AlqMoments): void {
  alpha.m = alqAlphaDomain(s, w.m);
  alpha.v = alqAlphaCurvature(s, w.v);
  alpha.vmax = alqAlphaCurvature(s, w.vmax);
  alpha.step++;
}

/**
 * One loss-aware step on the binary bases (then the coefficients, the
 * authors' "speedup"): with the quadratic model (grad, hessian in grouped
 * order) the optimum ŵ − grad/hessian is the target; every weight takes the
 * sign combination nearest its target, then α minimises the model with the
 * new bases, (Bᵀ H B) α = Bᵀ H (ŵ − grad/hessian).
 */
export function alqBasisStep(s: AlqState, grad: Float32Array, hessian: Float32Array): void {
  const w = alqReconstructGrouped(s);
  const target = new Float32Array(s.total);
  for (let k = 0; k < s.total; k++) target[k] = w[k]! - grad[k]! / hessian[k]!;
  alqNearestCodes(s, target);
  alqFitCoefficients(s, target, hessian);
}

/** One loss-aware step on the coefficients with the bases fixed: α ← α − grad_α / hessian_α (active slots). */
export function alqCoefficientStep(s: AlqState, gradAlpha: Float32Array, hessianAlpha: Float32Array): void {
  for (let slot = 0; slot < s.alpha.length; slot++) {
    if (s.active[slot]) s.alpha[slot] -= gradAlpha[slot]! / hessianAlpha[slot]!;
  }
}

/**
 * The model's loss increase if α_i were pruned (set to 0), per slot:
 * Δℓ = −g_α·α + ½ h_α·α² (Infinity for slots already pruned).
 */
export function alqPruneImportance(s: AlqState, gradAlpha: Float32Array, hessianAlpha: Float32Array): Float32Array {
  const out = new Float32Array(s.alpha.length).fill(Infinity);
  for (let slot = 0; slot < s.alpha.length; slot++) {
    if (!s.active[slot]) continue;
    const a = s.alpha[slot]!;
    out[slot] = -gradAlpha[slot]! * a + 0.5 * hessianAlpha[slot]! * a * a;
  }
  return out;
}

export interface AlqPruneOptions {
  /** stop once the average bits over all the layers (Σ sign bits / Σ weights) is at or below this */
  targetBits: number;
  /** prune at most this many α in this call (the step-wise schedule's share); default: no limit */
  maxCount?: number;
}

/**
 * Prunes α across all the layers in increasing order of their estimated loss
 * increase (alqPruneImportance) until the average bits reach targetBits or
 * maxCount α are gone. Returns how many were pruned.
 */
export function alqPruneToTarget(layers: ReadonlyArray<{ state: AlqState; importance: Float32Array }>, options: AlqPruneOptions): number {
  let bits = 0;
  let weights = 0;
  const candidates: Array<{ layer: number; slot: number; importance: number; bits: number }> = [];
  layers.forEach(({ state: s, importance }, layer) => {
    weights += s.total;
    forEachActiveSlot(s, (slot, _start, len) => {
      bits += len;
      candidates.push({ layer, slot, importance: importance[slot]!, bits: len });
    });
  });
  candidates.sort((a, b) => a.importance - b.importance);
  const limit = options.maxCount ?? Infinity;
  let pruned = 0;
  for (const c of candidates) {
    if (bits <= options.targetBits * weights || pruned >= limit) break;
    const s = layers[c.layer]!.state;
    s.active[c.slot] = 0;
    s.alpha[c.slot] = 0;
    bits -= c.bits;
    pruned++;
  }
  return pruned;
}
