import { tf } from '../tf';
import type { Scalar, Variable } from '../tf';
import { sgdMomentumUpdate } from '../ops/sgd-momentum-update';

/**
 * SGD with momentum, PyTorch's form: v = m*v + g; w = w - lr*v. Ours rather
 * than tf.train.momentum: one sgdMomentumUpdate kernel per variable instead
 * of four ops, and tfjs 4.22's MomentumOptimizer.dispose() leaks a scalar.
 */
export interface SgdMomentum {
  /** computes the loss and its gradients, updates the variables, returns the loss. */
  minimize(loss: () => Scalar): Scalar;
  dispose(): void;
}

export function sgdMomentum(variables: Variable[], learningRate: number, momentum: number): SgdMomentum {
  const velocities = variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
  return {
    minimize: (loss) => {
      const { value, grads } = tf.variableGrads(loss, variables);
      tf.tidy(() => {
        variables.forEach((variable, i) => {
          const next = sgdMomentumUpdate(variable, velocities[i]!, grads[variable.name]!, learningRate, momentum);
          variable.assign(next.variable);
          velocities[i]!.assign(next.velocity);
        });
      });
      tf.dispose(grads);
      return value;
    },
    dispose: () => tf.dispose(velocities),
  };
}
