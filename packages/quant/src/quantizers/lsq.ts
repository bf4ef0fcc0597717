import { LsqFakeQuantize, lsqFakeQuantize, tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { assertQuantBits, quantRange } from '../bits';
import { lsqGrad } from './lsq.grad';
import { runCustomGrad } from './run-custom-grad';
import { lsqGradScale, stepLayout, type StepLayout } from './step-broadcast';

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
 * The shape x takes for the engine's fused lsqFakeQuantize, which wants a
 * per-tensor step or channels on the last axis: x's own shape, or x without
 * its trailing 1s when the channel axis is followed only by them (depthwise
 * weights [h, w, C, 1]). Undefined for other layouts.
 */
function fusedShape(x: Tensor, layout: StepLayout): number[] | undefined {
  if (!layout.perChannel || layout.axis === x.rank - 1) return x.shape;
  return x.shape.slice(layout.axis + 1).every((d) => d === 1) ? x.shape.slice(0, layout.axis + 1) : undefined;
}

/**
 * LSQ fake quantizer: q = clamp(round(x/s), -Qn, Qp)·s with its own gradient
 * (see lsq.grad.ts). `step` is a scalar (per tensor) or [C] (per channel of
 * `axis`); pass a slice of a shared step variable and the step gradient lands
 * in that variable. Runs as the engine's fused kernel (one pass each way)
 * where the layout and backend allow, else as tf ops.
 */
function lsqQuantize_(x: Tensor, step: Tensor, options: LsqOptions): Tensor {
  assertQuantBits('lsqQuantize', options.bits, false);
  const layout = stepLayout('lsqQuantize', x, step, options.axis);
  const { qn, qp } = quantRange(options.bits, options.signed);
  const gradScale = lsqGradScale('lsqQuantize', layout, qp, options.gradScale);
  const shape = fusedShape(x, layout);
  const fused = shape && x.dtype === 'float32' && step.dtype === 'float32' && tf.getKernel(LsqFakeQuantize, tf.getBackend());
  if (fused) {
    if (shape.length === x.rank) return lsqFakeQuantize(x, step, { qn, qp, gradScale });
    return tf.reshape(lsqFakeQuantize(tf.reshape(x, shape), step, { qn, qp, gradScale }), x.shape);
  }
  return runCustomGrad(([xi, si], save) => {
    const s = tf.reshape(si!, layout.broadcastShape);
    const value = tf.mul(tf.clipByValue(tf.round(tf.div(xi!, s)), -qn, qp), s);
    save([xi!, si!]);
    return { value, gradFunc: (dy, [xs, ss]) => lsqGrad(dy, xs!, ss!, { qn, qp, gradScale, layout }) };
  }, [x, step]);
}

export const lsqQuantize = tf.op({ lsqQuantize_ });
