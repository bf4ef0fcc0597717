import { tf } from '../tf';
import type { GradConfig, Tensor } from '../tf';
import { HardActivation, HardActivationGrad } from '../kernel-names';

/** Gradient of HardActivation: one HardActivationGrad kernel from dy and the saved input. */
export const hardActivationGradConfig: GradConfig = {
  kernelName: HardActivation,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs) => {
    const [x] = saved as [Tensor];
    return { x: () => tf.engine().runKernel(HardActivationGrad, { dy: Array.isArray(dy) ? dy[0]! : dy, x }, attrs as tf.NamedAttrMap) as Tensor };
  },
};
