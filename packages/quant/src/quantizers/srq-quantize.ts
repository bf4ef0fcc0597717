import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { assertQuantBits, quantRange, roundHalfEven } from '../bits';
import { InvalidQuantOptionError, StepShapeError } from '../errors';
import { runCustomGrad } from './run-custom-grad';

export interface SrqOptions {
  /** the grid's width b: 2–8. */
  bits: number;
  /** true: levels [-2^(b-1), 2^(b-1)-1] (weights); false: [0, 2^b-1] (after ReLU). */
  signed: boolean;
  /**
   * The coarsest width DropBits can leave: the levels of widths minBits+1..bits
   * can be dropped (levelKeep holds one value per such level), the minBits
   * grid never is. Default `bits` (nothing to drop, plain SRQ).
   */
  minBits?: number;
  /** σ/s: the logistic noise's scale in steps; default SRQ_NOISE. */
  noise?: number;
  /** step-gradient scale g; default LSQ's 1/sqrt(N·Qp), N = elements of x. */
  gradScale?: number;
}

/**
 * The logistic noise's scale in steps. RQ learns σ per layer from σ = s/3;
 * here it stays tied to the step at that ratio (a simplification: one
 * trainable scalar fewer per quantizer, and σ follows the step as it learns).
 */
export const SRQ_NOISE = 1 / 3;

/** Levels DropBits may drop at most (a layer's learned width is in [b - this, b]); bounds the window. */
export const SRQ_MAX_DROPPED_LEVELS = 2;

/** What the forward pass keeps for the backward pass, per element (host arrays). */
interface Relaxation {
  /** the chosen grid point n (in steps) */
  level: Float32Array;
  v: Float32Array;
  /** dE/dv: the multi-class STE's derivative of the expected grid point */
  dEdv: Float32Array;
  /** dE/dω_l summed over the element's window points of each droppable level l (element-major, L per element) */
  dEdKeep: Float32Array;
}

/**
 * Which droppable level a grid point (in steps of the b-bit grid) belongs to:
 * 0 for the minBits grid (multiples of 2^L), else l such that the point is
 * first in the (minBits + l)-bit grid (L - its trailing zero bits).
 */
export function srqLevelOf(point: number, droppable: number): number {
  let p = Math.abs(point);
  if (p % 2 ** droppable === 0) return 0;
  let zeros = 0;
  while (p % 2 === 0) {
    p /= 2;
    zeros++;
  }
  return droppable - zeros;
}

/**
 * SRQ's categorical distribution and multi-class STE around each value,
 * on the host. With v = x/s, each grid point g of the b-bit grid owns the
 * cell [g - 1/2, g + 1/2] and the probability that v plus logistic noise of
 * scale τ falls in it: π_g = Sig(a_g) - Sig(a_g - 1/τ), a_g = (g + 1/2 - v)/τ,
 * which is (1 - e^(-1/τ))·Sig(a_g)·(1 - Sig(a_(g-1))) (one exp per value: a_g
 * steps by 1/τ from point to point).
 * DropBits weighs each point by its level's keep value ω;
 * r = ω·π / Σ ω·π. Forward: the argmax of r, which is the nearest kept
 * point n (cells are equal, the noise is unimodal). Backward: the gradient of
 * E = Σ g·r (the multi-class straight-through estimator: one-hot forward,
 * the categorical's gradient backward). The sums run over the points within
 * one kept spacing plus one of n (RQ's local grid): n's kept neighbours,
 * every dropped point between them, and at least two points on each side
 * (the mass left out is under 0.3 % at τ = 1/3). More than two steps outside
 * the range the slope is taken as 0 (it is below e^(-2/τ)).
 */
function relax(xs: Float32Array, s: number, keep: readonly number[], bits: number, signed: boolean, minBits: number, noise: number): Relaxation {
  const { qn, qp } = quantRange(bits, signed);
  const lo = -qn;
  const L = bits - minBits;
  // Forward weights of each level (0 = the minBits grid, always kept), and the kept width.
  const weight = [1, ...keep];
  let keptLevels = 0;
  while (keptLevels < L && keep[keptLevels] === 1) keptLevels++;
  const spacing = 2 ** (L - keptLevels);
  const top = lo + spacing * Math.floor((qp - lo) / spacing);
  const radius = spacing + 1;
  const mask = 2 ** L - 1;
  const levelOf = Array.from({ length: mask + 1 }, (_, g) => srqLevelOf(g, L));
  const n = xs.length;
  const out: Relaxation = { level: new Float32Array(n), v: new Float32Array(n), dEdv: new Float32Array(n), dEdKeep: new Float32Array(n * L) };
  const mass = new Float64Array(2 * radius + 1);
  // Sig(a_g) = 1 / (1 + t_g) with t_g = e^(-a_g): one exp per value, then t_(g+1) = t_g·e^(-1/τ).
  const ratio = Math.exp(-1 / noise);
  for (let i = 0; i < n; i++) {
    const v = xs[i]! / s;
    const c = Math.min(top, Math.max(lo, spacing * roundHalfEven(v / spacing)));
    out.level[i] = c;
    out.v[i] = v;
    if (v < lo - 2 || v > qp + 2) continue;
    const first = Math.max(lo, c - radius);
    const last = Math.min(qp, c + radius);
    let z = 0;
    let sumG = 0;
    let sumD = 0;
    let sumGD = 0;
    let t = Math.exp(-(first - 0.5 - v) / noise);
    let below = 1 / (1 + t);
    for (let g = first; g <= last; g++) {
      t *= ratio;
      const above = 1 / (1 + t);
      const u = above * (1 - below);
      // d log π_g / dv = (Sig(a_g) - Sig(-a_(g-1))) / τ
      const dl = (above - (1 - below)) / noise;
      below = above;
      const w = weight[levelOf[g & mask]!]!;
      mass[g - first] = u;
      z += w * u;
      sumG += w * u * g;
      sumD += w * u * dl;
      sumGD += w * u * g * dl;
    }
    const e = sumG / z;
    out.dEdv[i] = (sumGD - e * sumD) / z;
    for (let g = first; L > 0 && g <= last; g++) {
      const l = levelOf[g & mask]!;
      if (l > 0) out.dEdKeep[i * L + l - 1]! += (mass[g - first]! * (g - e)) / z;
    }
  }
  return out;
}

/** The keep values as host numbers, checked: 0/1, nested (a dropped level drops every finer one). */
function keepValues(levelKeep: Tensor | undefined, levels: number): number[] {
  if (!levelKeep) return Array.from({ length: levels }, () => 1);
  if (levelKeep.rank !== 1 || levelKeep.size !== levels) {
    throw new InvalidQuantOptionError('srqQuantize', 'levelKeep', `shape [${levelKeep.shape.join(', ')}]`, `shape [${levels}] (one value per droppable level, bits - minBits)`);
  }
  const values = Array.from(levelKeep.dataSync());
  values.forEach((k, l) => {
    if ((k !== 0 && k !== 1) || (l > 0 && k > values[l - 1]!)) {
      throw new InvalidQuantOptionError('srqQuantize', 'levelKeep', `[${values.join(', ')}]`, 'nested 0/1 values (a dropped level drops every finer one)');
    }
  });
  return values;
}

/**
 * Semi-Relaxed Quantization (Lee et al.) of x with a scalar step s, and
 * DropBits: `levelKeep` ([bits - minBits] values 0/1, coarse to fine) says
 * which levels of the grid this pass keeps; a dropped level's points leave
 * the categorical distribution and the forward rounds to the nearest kept
 * point. Forward: s·n, n the nearest kept point of the b-bit grid
 * (clamped). Gradients (multi-class STE, the gradient of s·E[g]):
 * - x: dE/dv (≈ 1 inside the range, smoothly 0 outside it);
 * - s: g·Σ dy·(n - v·dE/dv) (LSQ's form with SRQ's slope, LSQ's gradient scale);
 * - levelKeep: g·s·Σ dy·dE/dω_l, as if each level's keep value were a
 *   continuous weight on its points' probabilities (DropBits' learned
 *   inclusion reads it through a straight-through keep, see dropBitsKeep).
 *   Scaled by the step's gradient scale g as LSQ scales the step's: a sum
 *   over every element of a layer would otherwise dwarf the weights'
 *   gradients (a run's global-norm clipping then froze them: |g| ~ 3e4).
 */
function srqQuantize_(x: Tensor, step: Tensor, levelKeep: Tensor | undefined, options: SrqOptions): Tensor {
  const { bits, signed } = options;
  assertQuantBits('srqQuantize', bits, false);
  const minBits = options.minBits ?? bits;
  if (!Number.isInteger(minBits) || minBits < 2 || minBits > bits || bits - minBits > SRQ_MAX_DROPPED_LEVELS) {
    throw new InvalidQuantOptionError('srqQuantize', 'minBits', minBits, `an integer in [max(2, bits - ${SRQ_MAX_DROPPED_LEVELS}), bits]`);
  }
  const noise = options.noise ?? SRQ_NOISE;
  if (!(noise > 0) || !Number.isFinite(noise)) throw new InvalidQuantOptionError('srqQuantize', 'noise', noise, 'a positive finite number');
  if (step.size !== 1 || step.rank > 1) throw new StepShapeError('srqQuantize', step.shape, '[] (one step per tensor)');
  const { qp } = quantRange(bits, signed);
  const gradScale = options.gradScale ?? 1 / Math.sqrt(x.size * qp);
  if (!(gradScale > 0) || !Number.isFinite(gradScale)) throw new InvalidQuantOptionError('srqQuantize', 'gradScale', gradScale, 'a positive finite number');
  const L = bits - minBits;
  const keep = keepValues(levelKeep, L);
  const forward = ([xt, st]: Tensor[]) => {
    const s = st!.dataSync()[0]!;
    const r = relax(xt!.dataSync() as Float32Array, s, keep, bits, signed, minBits, noise);
    const value = tf.tensor(r.level.map((n) => n * s), xt!.shape);
    const gradFunc = (dy: Tensor): Tensor[] => {
      const d = dy.dataSync();
      const dx = new Float32Array(d.length);
      let ds = 0;
      const dKeep = new Float32Array(L);
      for (let i = 0; i < d.length; i++) {
        dx[i] = d[i]! * r.dEdv[i]!;
        ds += d[i]! * (r.level[i]! - r.v[i]! * r.dEdv[i]!);
        for (let l = 0; l < L; l++) dKeep[l]! += d[i]! * r.dEdKeep[i * L + l]!;
      }
      const grads = [tf.tensor(dx, xt!.shape), tf.reshape(tf.scalar(ds * gradScale), st!.shape)];
      return levelKeep ? [...grads, tf.tensor1d(dKeep.map((g) => g * s * gradScale))] : grads;
    };
    return { value, gradFunc };
  };
  return runCustomGrad((inputs) => forward(inputs), levelKeep ? [x, step, levelKeep] : [x, step]);
}

export const srqQuantize = tf.op({ srqQuantize_ });
