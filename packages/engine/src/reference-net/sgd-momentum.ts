import { tf } from '../tf';
import type { Scalar, Variable } from '../tf';

/**
 * SGD with momentum, PyTorch's form: v = m*v + g; w = w - lr*v. Ours rather
 * than tf.train.momentum because that one's dispose() leaks its learning-rate
 * scalar (tfjs 4.22), which the leak checks of the benchmark would report.
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
          const velocity = velocities[i]!;
          velocity.assign(tf.add(tf.mul(velocity, momentum), grads[variable.name]!));
          variable.assign(tf.sub(variable, tf.mul(velocity, learningRate)));
        });
      });
      tf.dispose(grads);
      return value;
    },
    dispose: () => tf.dispose(velocities),
  };
}
