import { lsqFakeQuantize, tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { assertQuantBits, quantRange } from '../bits';
import { lsqGradScale, stepLayout } from './step-broadcast';

export interface LsqOptions {
  /** 2–8. */
  bits: number;
  /** true: [-2^(b-1), 2^(b-1)-1] (weights); false: [0, 2^b-1] (after ReLU). */
  signed: boolean;
  /** axis of x that a [C] step runs along; default the last axis. */
  axis?: number;
  /** LSQ step-gradient scale g; default 1/sqrt(N·Qp), N = elements of x per step value. */
  gradScale?: number;
}

/**
 * LSQ fake quantizer: q = clamp(round(x/s), -Qn, Qp)·s with LSQ's gradient
 * for x and s. `step` is a scalar (per tensor) or [C] (per channel of
 * `axis`); pass a slice of a shared step variable and the step gradient lands
 * in that variable. Runs as the engine's lsqFakeQuantize, which holds the
 * gradient rule and wants channels on the last axis: x's trailing 1s after
 * the channel axis are reshaped away (depthwise weights [h, w, C, 1]), any
 * other channel axis is transposed last and back (autodiff carries the
 * gradient through both transposes).
 */
function lsqQuantize_(x: Tensor, step: Tensor, options: LsqOptions): Tensor {
  assertQuantBits('lsqQuantize', options.bits, false);
  const layout = stepLayout('lsqQuantize', x, step, options.axis);
  const { qn, qp } = quantRange(options.bits, options.signed);
  const attrs = { qn, qp, gradScale: lsqGradScale('lsqQuantize', layout, qp, options.gradScale) };
  const { axis } = layout;
  if (!layout.perChannel || axis === x.rank - 1) return lsqFakeQuantize(x, step, attrs);
  if (x.shape.slice(axis + 1).every((d) => d === 1)) {
    return tf.reshape(lsqFakeQuantize(tf.reshape(x, x.shape.slice(0, axis + 1)), step, attrs), x.shape);
  }
  const toLast = [...x.shape.keys()].filter((i) => i !== axis).concat(axis);
  const back = toLast.map((_, i) => toLast.indexOf(i));
  return tf.transpose(lsqFakeQuantize(tf.transpose(x, toLast), step, attrs), back);
}

export const lsqQuantize = tf.op({ lsqQuantize_ });
