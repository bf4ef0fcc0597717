import { tf } from '../tf';
import type { Tensor } from '../tf';
import { LsqFakeQuantize, type LsqFakeQuantizeAttrs } from '../kernel-names';

export interface LsqFakeQuantizeOptions {
  /** magnitude of the lowest level (0 for unsigned codes). */
  qn: number;
  /** the highest level. */
  qp: number;
  /** LSQ's step-gradient scale g (e.g. 1/sqrt(N·qp)); the forward ignores it. */
  gradScale: number;
}

/**
 * LSQ fake quantization q = clamp(round(x/s), -qn, qp)·s (round half to
 * even, as tf.round), differentiable in x (straight through inside the
 * range) and in the step (LSQ's rule, see lsq-fake-quantize.grad.ts). The
 * step is a scalar or [1] (per tensor) or [C] with C = x's last dimension
 * (per channel). Why: as tf ops it is 4 passes forward and ~13 backward over
 * activation-sized tensors; this is one kernel each way (one SIMD pass on wasm).
 */
function lsqFakeQuantize_<T extends Tensor>(x: T, step: Tensor, options: LsqFakeQuantizeOptions): T {
  const { qn, qp, gradScale } = options;
  const channels = x.rank > 0 ? x.shape[x.rank - 1]! : 1;
  tf.util.assert(
    (step.size === 1 && step.rank <= 1) || (step.rank === 1 && step.shape[0] === channels),
    () => `Error in lsqFakeQuantize: step must have shape [], [1] or [${channels}] (x's last dimension), got [${step.shape}]`,
  );
  tf.util.assert(x.dtype === 'float32' && step.dtype === 'float32', () => 'Error in lsqFakeQuantize: x and step must be float32');
  tf.util.assert(
    qn >= 0 && qp > 0 && Number.isFinite(qn) && Number.isFinite(qp) && gradScale > 0 && Number.isFinite(gradScale),
    () => `Error in lsqFakeQuantize: need qn >= 0, qp > 0 and gradScale > 0, got ${qn}, ${qp}, ${gradScale}`,
  );
  const attrs: LsqFakeQuantizeAttrs = { qn, qp, gradScale };
  return tf.engine().runKernel(LsqFakeQuantize, { x, step }, attrs as unknown as tf.NamedAttrMap) as T;
}

export const lsqFakeQuantize = lsqFakeQuantize_;
