import { tf } from '../tf';
import type { GradConfig, Tensor } from '../tf';
import { LsqFakeQuantize, LsqFakeQuantizeGrad } from '../kernel-names';

/** Gradient of LsqFakeQuantize: one LsqFakeQuantizeGrad kernel giving dx and dStep. */
export const lsqFakeQuantizeGradConfig: GradConfig = {
  kernelName: LsqFakeQuantize,
  inputsToSave: ['x', 'step'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs) => {
    const [x, step] = saved as [Tensor, Tensor];
    const [dx, dStep] = tf
      .engine()
      .runKernel(LsqFakeQuantizeGrad, { dy: Array.isArray(dy) ? dy[0]! : dy, x, step }, attrs as tf.NamedAttrMap) as Tensor[];
    return { x: () => dx!, step: () => dStep! };
  },
};
