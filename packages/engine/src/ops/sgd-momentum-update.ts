import { tf } from '../tf';
import type { Tensor } from '../tf';
import { SgdMomentumUpdate, type SgdMomentumUpdateAttrs } from '../kernel-names';

/** Options of sgdMomentumUpdate beyond plain momentum; each default leaves its part out. */
export interface SgdMomentumOptions {
  /** Nesterov's step g' + momentum*velocity'; default false */
  nesterov?: boolean;
  /** coupled L2 decay added to the gradient; default 0 */
  weightDecay?: number;
  /** multiplies the gradient first (global-norm clipping); default 1 */
  gradScale?: number;
  /** keeps the new value within [1/2, 2] times the old one (step sizes); default false */
  bounded?: boolean;
}

/**
 * One SGD-with-momentum step for one variable (PyTorch's form): g' =
 * gradient*gradScale + weightDecay*variable, velocity' = momentum*velocity +
 * g', variable' = variable - learningRate*(nesterov ? g' + momentum*velocity'
 * : velocity'), optionally bounded to [1/2, 2] times the old value. PyTorch
 * starts the velocity at the first gradient: pass zeros then. Why: one
 * kernel (one SIMD pass on wasm) instead of 4-12 ops per variable per step.
 * Not differentiable (an optimizer step).
 */
function sgdMomentumUpdate_<T extends Tensor>(
  variable: T,
  velocity: T,
  gradient: T,
  learningRate: number,
  momentum: number,
  options: SgdMomentumOptions = {},
): { variable: T; velocity: T } {
  tf.util.assert(
    tf.util.arraysEqual(variable.shape, velocity.shape) && tf.util.arraysEqual(variable.shape, gradient.shape),
    () =>
      `Error in sgdMomentumUpdate: variable, velocity and gradient must have one shape, got ` +
      `[${variable.shape}], [${velocity.shape}] and [${gradient.shape}]`,
  );
  const attrs: SgdMomentumUpdateAttrs = {
    learningRate,
    momentum,
    nesterov: options.nesterov ?? false,
    weightDecay: options.weightDecay ?? 0,
    gradScale: options.gradScale ?? 1,
    bounded: options.bounded ?? false,
  };
  const [nextVariable, nextVelocity] = tf
    .engine()
    .runKernel(SgdMomentumUpdate, { variable, velocity, gradient }, attrs as unknown as tf.NamedAttrMap) as unknown as [T, T];
  return { variable: nextVariable, velocity: nextVelocity };
}

export const sgdMomentumUpdate = sgdMomentumUpdate_;
