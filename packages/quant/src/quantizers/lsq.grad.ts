import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { levelGrad } from './level-grad';
import type { StepLayout } from './step-broadcast';

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
 * - s: g · Σ dy · (round(v) - v) inside the range, -Qn below it, Qp above it
 *   (v = x/s).
 */
export function lsqGrad(dy: Tensor, x: Tensor, step: Tensor, attrs: LsqGradAttrs): [Tensor, Tensor] {
  const { qn, qp, gradScale, layout } = attrs;
  const v = tf.div(x, tf.reshape(step, layout.broadcastShape));
  const level = tf.clipByValue(tf.round(v), -qn, qp);
  return levelGrad(dy, v, level, { lo: -qn, hi: qp }, step, layout, gradScale);
}
