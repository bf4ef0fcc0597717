import { tf } from '../tf';
import type { Tensor } from '../tf';
import { SgdMomentumUpdate, type SgdMomentumUpdateAttrs } from '../kernel-names';

/**
 * One SGD-with-momentum step for one variable (PyTorch's form): returns
 * velocity' = momentum*velocity + gradient and variable' = variable -
 * learningRate*velocity'. Why: one kernel (one SIMD pass on wasm) instead of
 * four ops per variable per step. Not differentiable (an optimizer step).
 */
function sgdMomentumUpdate_<T extends Tensor>(
  variable: T,
  velocity: T,
  gradient: T,
  learningRate: number,
  momentum: number,
): { variable: T; velocity: T } {
  tf.util.assert(
    tf.util.arraysEqual(variable.shape, velocity.shape) && tf.util.arraysEqual(variable.shape, gradient.shape),
    () =>
      `Error in sgdMomentumUpdate: variable, velocity and gradient must have one shape, got ` +
      `[${variable.shape}], [${velocity.shape}] and [${gradient.shape}]`,
  );
  const attrs: SgdMomentumUpdateAttrs = { learningRate, momentum };
  const [nextVariable, nextVelocity] = tf
    .engine()
    .runKernel(SgdMomentumUpdate, { variable, velocity, gradient }, attrs as unknown as tf.NamedAttrMap) as unknown as [T, T];
  return { variable: nextVariable, velocity: nextVelocity };
}

export const sgdMomentumUpdate = sgdMomentumUpdate_;
