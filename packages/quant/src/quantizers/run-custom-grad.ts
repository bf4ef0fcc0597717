import { tf } from '@oqat/engine';
import type { GradSaveFunc, Tensor } from '@oqat/engine';

type Forward = (inputs: Tensor[], save: GradSaveFunc) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] };

/**
 * Runs a tf.customGrad op whose forward saves its inputs with save().
 *
 * save() clones the tensors it keeps for the backward pass; on wasm a clone
 * copies the buffer (its Identity kernel), which tfjs's per-kernel leak check
 * counts as a leak and throws. That check only runs while the IS_TEST flag is
 * on, and @oqat/engine turns that flag on (to silence the cpu backend banner),
 * so it is switched off around this one call. save() (not closure capture)
 * keeps the inputs alive when a caller's tidy disposes them before backprop.
 */
export function runCustomGrad(forward: Forward, inputs: Tensor[]): Tensor {
  const op = tf.customGrad(((...args: Array<Tensor | GradSaveFunc>) => {
    const save = args.pop() as GradSaveFunc;
    return forward(args as Tensor[], save);
  }) as never) as (...xs: Tensor[]) => Tensor;
  const env = tf.env();
  const checking = env.getBool('IS_TEST');
  if (checking) env.set('IS_TEST', false);
  try {
    return op(...inputs);
  } finally {
    if (checking) env.set('IS_TEST', true);
  }
}
