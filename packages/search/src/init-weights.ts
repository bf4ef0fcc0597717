import { derive } from '@oqat/core';
import { tf, type Tensor, type Variable } from '@oqat/engine';

/**
 * Seeded initialisers (OFA's 'he_fout' scheme). Each tensor's seed is derived
 * from the network seed and the parameter's name, so adding a layer does not
 * change the initial values of the others.
 */
function seedOf(seed: number, name: string): number {
  return derive(seed, 'init', name);
}

/** Conv weights: N(0, sqrt(2 / fanOut)) with fanOut = kh * kw * outC (per group). */
export function heNormalFanOut(shape: number[], fanOut: number, seed: number, name: string): Tensor {
  return tf.randomNormal(shape, 0, Math.sqrt(2 / fanOut), 'float32', seedOf(seed, name));
}

/** Linear weights: U(-1/sqrt(in), 1/sqrt(in)) as PyTorch's nn.Linear. */
export function uniformFanIn(shape: number[], fanIn: number, seed: number, name: string): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.randomUniform(shape, -bound, bound, 'float32', seedOf(seed, name));
}

/** A variable holding init()'s value; the initial tensor is released (a bare tf.variable(init()) would leak it). */
export function ownedVariable(init: () => Tensor, trainable: boolean): Variable {
  return tf.tidy(() => tf.variable(init(), trainable));
}
