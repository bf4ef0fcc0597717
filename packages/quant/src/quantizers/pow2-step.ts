import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { runCustomGrad } from './run-custom-grad';

/**
 * Rounds a step to the nearest power of two in the log domain, 2^round(log2 s),
 * so that hardware rescales by shifts only. Gradient: straight-through (the
 * learned step keeps moving; only its use is rounded).
 */
function pow2Step_(step: Tensor): Tensor {
  return runCustomGrad(([s]) => {
    const value = tf.pow(tf.scalar(2), tf.round(tf.div(tf.log(s!), Math.LN2)));
    return { value, gradFunc: (dy: Tensor) => [dy] };
  }, [step]);
}

export const pow2Step = tf.op({ pow2Step_ });

/** Host twin of pow2Step. */
export function roundToPow2(s: number): number {
  return 2 ** Math.round(Math.log2(s));
}
