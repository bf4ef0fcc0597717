import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { InvalidQuantOptionError, StepShapeError } from '../errors';

/** How a step tensor lines up with x: per tensor (one value) or one value per slice along `axis`. */
export interface StepLayout {
  /** non-negative axis of x holding the channels (meaningful when perChannel). */
  axis: number;
  perChannel: boolean;
  /** shape the step is reshaped to so it broadcasts against x. */
  broadcastShape: number[];
  /** elements of x that one step value scales: N in LSQ's g = 1/sqrt(N·Qp). */
  elementsPerStep: number;
}

/**
 * Checks a step against x: a scalar or [1] is per tensor; [C] with
 * C = x.shape[axis] is per channel (axis defaults to the last one, the output
 * channels of tfjs conv [h, w, in, out] and dense [in, out] weights).
 */
export function stepLayout(operation: string, x: Tensor, step: Tensor, axis?: number): StepLayout {
  const rank = x.rank;
  const ax = axis === undefined ? rank - 1 : axis < 0 ? rank + axis : axis;
  if (step.size === 1 && step.rank <= 1) {
    return { axis: ax, perChannel: false, broadcastShape: [], elementsPerStep: x.size };
  }
  if (!Number.isInteger(ax) || ax < 0 || ax >= rank) {
    throw new InvalidQuantOptionError(operation, 'axis', axis, `an axis of the rank-${rank} input`);
  }
  const channels = x.shape[ax]!;
  if (step.rank !== 1 || step.shape[0] !== channels) {
    throw new StepShapeError(operation, step.shape, `[] or [${channels}] (one step per channel of axis ${ax})`);
  }
  const broadcastShape = x.shape.map((_, i) => (i === ax ? channels : 1));
  return { axis: ax, perChannel: true, broadcastShape, elementsPerStep: x.size / channels };
}

/** Sums a per-element gradient down to the step's shape. */
export function reduceToStep(grad: Tensor, step: Tensor, layout: StepLayout): Tensor {
  if (!layout.perChannel) return tf.reshape(tf.sum(grad), step.shape);
  const axes = grad.shape.map((_, i) => i).filter((i) => i !== layout.axis);
  return tf.reshape(axes.length ? tf.sum(grad, axes) : grad, step.shape);
}

/** Checks a user-given gradient scale, or returns LSQ's default 1/sqrt(N·Qp). */
export function lsqGradScale(operation: string, layout: StepLayout, qp: number, gradScale?: number): number {
  if (gradScale === undefined) return 1 / Math.sqrt(layout.elementsPerStep * qp);
  if (!(gradScale > 0) || !Number.isFinite(gradScale)) {
    throw new InvalidQuantOptionError(operation, 'gradScale', gradScale, 'a positive finite number');
  }
  return gradScale;
}
