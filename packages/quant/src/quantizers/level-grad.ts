import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { reduceToStep, type StepLayout } from './step-broadcast';

/**
 * The LSQ gradient rule for a non-uniform grid of levels scaled by a step s
 * (esbQuantize's): x̂ = s·level(v), v = x/s, with level(v) clamped to
 * [lo, hi]. The uniform grid's rule is the engine's lsqFakeQuantize.
 * - x: straight-through, dy where lo <= v <= hi, 0 outside;
 * - s: g · Σ dy · (level(v) - v) inside the range, and level(v) (= lo or hi)
 *   outside it, summed to the step's shape.
 */
export function levelGrad(
  dy: Tensor,
  v: Tensor,
  level: Tensor,
  range: { lo: number; hi: number },
  step: Tensor,
  layout: StepLayout,
  gradScale: number,
): [Tensor, Tensor] {
  const inside = tf.cast(tf.logicalAnd(tf.greaterEqual(v, range.lo), tf.lessEqual(v, range.hi)), 'float32');
  const dx = tf.mul(dy, inside);
  const local = tf.sub(level, tf.mul(v, inside));
  const ds = tf.mul(reduceToStep(tf.mul(dy, local), step, layout), gradScale);
  return [dx, ds];
}
