import { tf } from '../tf';
import type { GradConfig, Tensor } from '../tf';
import { BatchNormTrain, BatchNormTrainGrad } from '../kernel-names';

/**
 * Gradient of BatchNormTrain: one BatchNormTrainGrad kernel (two SIMD
 * passes on wasm). Gradients arriving at the mean/variance outputs are
 * ignored: those outputs exist for running statistics only.
 */
export const batchNormTrainGradConfig: GradConfig = {
  kernelName: BatchNormTrain,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [true, true, true],
  gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs) => {
    const dy = Array.isArray(dys) ? dys[0]! : dys;
    const [x, scale, y, mean, variance] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const [dx, dScale, dOffset] = tf
      .engine()
      .runKernel(BatchNormTrainGrad, { dy, x, scale, y, mean, variance }, attrs as tf.NamedAttrMap) as Tensor[];
    return { x: () => dx!, scale: () => dScale!, offset: () => dOffset! };
  },
};
