import { splitChannels } from './channel-split';
import { esbGrid, esbLevelOfCode, type EsbGrid } from '../quantizers/esb-grid';
import type { FormatSpec } from '../formats/number-format';

/**
 * DDA, ESB's distribution difference aligner (Gong et al., "Elastic
 * Significant Bit Quantization and Acceleration for Deep Neural Networks",
 * IEEE TPDS 2022): alpha aligns the distribution of the quantized values
 * with that of the full-precision ones. The values are taken as bell-shaped,
 * x ~ N(0, σ²), and the distribution difference is the expected squared
 * distance between a value and its quantized one under that density,
 *
 *   D(α) = Σ_i ∫_{S_i} (x − α·q_i)² f(x) dx,    S_i = the values rounding to q_i,
 *
 * so α* = λ(b, k)·σ with λ = argmin D for σ = 1, a constant of the grid
 * alone (the authors' code keeps a table of λ and multiplies it by the
 * tensor's std; we compute λ from the grid and reproduce their entries,
 * see esb-dda.test.ts). Only σ is read from the data.
 *
 * A symmetric grid's D under N(0, σ²) equals its magnitude grid's under the
 * half-normal of the same σ, so signed and unsigned values share one
 * computation: signed, σ² = mean(x²) (the zero-mean Gaussian's maximum
 * likelihood σ: the grid has no offset); unsigned (after ReLU), the positive
 * values as a half-normal, σ² = mean(x² | x > 0) (zeros are exact). The
 * unsigned rule is ours: the authors fit one std to every tensor.
 */

/** erfc with fractional error < 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(0 <= X <= a) and density for the half-normal X = |N(0, 1)|. */
const halfMass = (a: number): number => (a === Infinity ? 1 : 1 - erfc(a / Math.SQRT2));
const halfDensity = (a: number): number => (a === Infinity ? 0 : Math.sqrt(2 / Math.PI) * Math.exp(-0.5 * a * a));

/** The grid's magnitude levels, ascending (0 first). */
export function esbMagnitudeLevels(g: EsbGrid): number[] {
  const levels = Array.from({ length: 2 ** g.magnitudeBits }, (_, c) => esbLevelOfCode(c, g));
  return [...new Set(levels)].sort((a, b) => a - b);
}

/**
 * D(α) for σ = 1: E[(x − α·Q(x/α))²] with |x| half-normal, levels[i]·α the
 * magnitudes and the decision points halfway between neighbours. Each cell
 * [a, b) with level q: ∫ (x − q)² f = m2 − 2q·m1 + q²·m0, where for the
 * half-normal m0 = F(b) − F(a), m1 = f(a) − f(b), m2 = m0 + a·f(a) − b·f(b).
 */
export function esbDistributionDifference(alpha: number, levels: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < levels.length; i++) {
    const q = levels[i]! * alpha;
    const a = i === 0 ? 0 : ((levels[i - 1]! + levels[i]!) / 2) * alpha;
    const b = i === levels.length - 1 ? Infinity : ((levels[i]! + levels[i + 1]!) / 2) * alpha;
    const m0 = halfMass(b) - halfMass(a);
    const m1 = halfDensity(a) - halfDensity(b);
    const m2 = m0 + a * halfDensity(a) - (b === Infinity ? 0 : b * halfDensity(b));
    d += m2 - 2 * q * m1 + q * q * m0;
  }
  return d;
}

const lambdaCache = new Map<string, { lambda: number; difference: number }>();

/**
 * λ(b, k) = argmin_α D(α) for σ = 1 and its D: a log-spaced scan (D can have
 * several local minima once there are three or more exponent bits; the scan
 * finds the global one), then golden-section refinement around the best.
 */
export function esbDdaLambda(bits: number, signed: boolean, significantBits?: number): { lambda: number; difference: number } {
  const g = esbGrid(bits, signed, significantBits);
  const key = `${g.magnitudeBits}/${g.significantBits}`;
  const cached = lambdaCache.get(key);
  if (cached) return cached;
  const levels = esbMagnitudeLevels(g);
  const D = (a: number): number => esbDistributionDifference(a, levels);
  // The largest level between 0.5σ and 8σ covers every sensible clipping point.
  const lo = Math.log(0.5 / g.maxLevel);
  const hi = Math.log(8 / g.maxLevel);
  const n = 400;
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i <= n; i++) {
    const d = D(Math.exp(lo + ((hi - lo) * i) / n));
    if (d < bestD) [best, bestD] = [i, d];
  }
  let a = lo + ((hi - lo) * Math.max(0, best - 1)) / n;
  let b = lo + ((hi - lo) * Math.min(n, best + 1)) / n;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const c = b - phi * (b - a);
    const d = a + phi * (b - a);
    if (D(Math.exp(c)) <= D(Math.exp(d))) b = d;
    else a = c;
  }
  const lambda = Math.exp((a + b) / 2);
  const result = { lambda, difference: D(lambda) };
  lambdaCache.set(key, result);
  return result;
}

/** σ of one channel as DDA reads it (see the top of this file); 0 when it holds no (positive) value. */
export function ddaSigma(x: ArrayLike<number>, signed: boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (signed) {
      sum += v * v;
      n++;
    } else if (v > 0) {
      sum += v * v;
      n++;
    }
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

/**
 * DDA's alpha per channel (element i is channel i % channels): λ(b, k)·σ of
 * each channel; 1 for a channel that is all zeros (any alpha is exact there).
 */
export function esbDdaAlpha(x: ArrayLike<number>, channels: number, spec: FormatSpec): Float32Array {
  const { lambda } = esbDdaLambda(spec.bits, spec.signed, spec.significantBits);
  return Float32Array.from(splitChannels('esbDdaAlpha', x, channels), (ch) => {
    const sigma = ddaSigma(ch, spec.signed);
    return sigma > 0 ? lambda * sigma : 1;
  });
}
