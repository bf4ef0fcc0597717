import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { levelGrad } from './level-grad';
import { runCustomGrad } from './run-custom-grad';
import { esbGrid, type EsbGrid } from './esb-grid';
import { lsqGradScale, stepLayout } from './step-broadcast';

export interface EsbQuantizeOptions {
  bits: number;
  signed: boolean;
  /** k (an upper bound, capped at the magnitude bits); default esbDefaultSignificantBits: two exponent bits. */
  significantBits?: number;
  axis?: number;
  /** default 1/sqrt(N·maxLevel). */
  gradScale?: number;
}

/** Exponent thresholds up to which spacing is summed as step functions (more: the log2 form). */
const MAX_THRESHOLDS = 8;

/**
 * The local spacing 2^max(0, floor(log2 m) − t) of magnitudes m: 1 below
 * 2^(t+1), doubling at each 2^(t+j). With few exponents it is the sum
 * 1 + Σ_j [m ≥ 2^(t+j)]·2^(j−1) (comparisons only: exact and ~8x faster than
 * log and pow on wasm); otherwise floor(log2 m) with its float32 nudges.
 */
function esbSpacing(m: Tensor, g: EsbGrid): Tensor {
  const maxExponent = 2 ** (g.magnitudeBits - g.mantissaBits) - 1;
  if (maxExponent - 1 <= MAX_THRESHOLDS) {
    let spacing: Tensor = tf.onesLike(m);
    for (let j = 1; j < maxExponent; j++) {
      spacing = tf.add(spacing, tf.mul(tf.cast(tf.greaterEqual(m, 2 ** (g.mantissaBits + j)), 'float32'), 2 ** (j - 1)));
    }
    return spacing;
  }
  const atLeast1 = tf.maximum(m, 1);
  let p = tf.floor(tf.div(tf.log(atLeast1), Math.LN2));
  // log is not exact at powers of two in float32: nudge p so 2^p <= m < 2^(p+1).
  const two = tf.scalar(2);
  p = tf.where(tf.greater(tf.pow(two, p), atLeast1), tf.sub(p, 1), p);
  p = tf.where(tf.lessEqual(tf.pow(two, tf.add(p, 1)), atLeast1), tf.add(p, 1), p);
  return tf.pow(two, tf.relu(tf.sub(p, g.mantissaBits)));
}

/** Nearest ESB level of v (in units of alpha), clamped to ±maxLevel (0..maxLevel unsigned). */
export function esbLevels(v: Tensor, g: EsbGrid): Tensor {
  return tf.tidy(() => {
    const m = g.signed ? tf.abs(v) : tf.relu(v);
    const spacing = esbSpacing(m, g);
    const level = tf.minimum(tf.mul(tf.round(tf.div(m, spacing)), spacing), g.maxLevel);
    return g.signed ? tf.mul(tf.sign(v), level) : level;
  });
}

/**
 * ESB fake quantizer: x̂ = alpha·level(x/alpha) on the elastic-significant-bits
 * grid (see esb-grid.ts), with the LSQ gradient rule for x and alpha.
 */
function esbQuantize_(x: Tensor, alpha: Tensor, options: EsbQuantizeOptions): Tensor {
  const g = esbGrid(options.bits, options.signed, options.significantBits);
  const layout = stepLayout('esbQuantize', x, alpha, options.axis);
  const gradScale = lsqGradScale('esbQuantize', layout, g.maxLevel, options.gradScale);
  const range = { lo: g.signed ? -g.maxLevel : 0, hi: g.maxLevel };
  return runCustomGrad(([xi, ai], save) => {
    const value = tf.mul(esbLevels(tf.div(xi!, tf.reshape(ai!, layout.broadcastShape)), g), tf.reshape(ai!, layout.broadcastShape));
    save([xi!, ai!]);
    const gradFunc = (dy: Tensor, [xs, as]: Tensor[]) => {
      const v = tf.div(xs!, tf.reshape(as!, layout.broadcastShape));
      return levelGrad(dy, v, esbLevels(v, g), range, as!, layout, gradScale);
    };
    return { value, gradFunc };
  }, [x, alpha]);
}

export const esbQuantize = tf.op({ esbQuantize_ });
