import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { reduceToStep, type StepLayout } from './step-broadcast';

export interface LsqGradAttrs {
  qn: number;
  qp: number;
  /** LSQ gradient scale g. */
  gradScale: number;
  layout: StepLayout;
}

/**
 * Gradients of q = clamp(round(x/s), -Qn, Qp)·s (Esser et al., LSQ):
 * - x: straight-through, dy where -Qn <= x/s <= Qp and 0 outside;
 * - s: g · Σ dy · (clamp(round(v)) - v·inside), i.e. round(v) - v inside the
 *   range, -Qn below it and Qp above it, with v = x/s.
 */
export function lsqGrad(dy: Tensor, x: Tensor, step: Tensor, attrs: LsqGradAttrs): [Tensor, Tensor] {
  const { qn, qp, gradScale, layout } = attrs;
  const s = tf.reshape(step, layout.broadcastShape);
  const v = tf.div(x, s);
  const inside = tf.cast(tf.logicalAnd(tf.greaterEqual(v, -qn), tf.lessEqual(v, qp)), 'float32');
  const dx = tf.mul(dy, inside);
  const local = tf.sub(tf.clipByValue(tf.round(v), -qn, qp), tf.mul(v, inside));
  const ds = tf.mul(reduceToStep(tf.mul(dy, local), step, layout), gradScale);
  return [dx, ds];
}
