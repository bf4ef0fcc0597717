import { tf, type Tensor } from '@oqat/engine';
import { runCustomGrad } from '../quantizers/run-custom-grad';
import { GATE_Q, HSIGMOID_TABLE_Q, type Q8 } from './integer-requant';

/**
 * x on the 8-bit quantization q as the integer graph holds it:
 * (saturate(round_half_even(x/step) + zeroPoint) − zeroPoint)·step, codes
 * 0..max (or 255). Gradient straight through inside q's range, 0 where
 * it saturates; the range itself is a constant (it is derived from learned
 * steps by integer-requant.ts, not learned here).
 */
export function fakeQuantQ8(x: Tensor, q: Q8): Tensor {
  const lower = -q.zeroPoint * q.step;
  const upper = ((q.max ?? 255) - q.zeroPoint) * q.step;
  return runCustomGrad(
    ([input], save) => {
      save([input!]);
      const codes = tf.clipByValue(tf.add(tf.round(tf.div(input!, q.step)), q.zeroPoint), 0, q.max ?? 255);
      const value = tf.mul(tf.sub(codes, q.zeroPoint), q.step);
      return {
        value,
        gradFunc: (dy, [saved]) => [tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(saved!, lower), tf.lessEqual(saved!, upper)), 'float32'))],
      };
    },
    [x],
  );
}

/**
 * The integer graph's h-sigmoid: x (already on its 8-bit input grid)
 * requantized to HSIGMOID_TABLE_Q, whose codes read as GATE_Q are the gate:
 * saturate(round_half_even(x·254/6) + 127)/254. Gradient: h-sigmoid's
 * (1/6 on (−3, 3), 0 outside).
 */
export function hsigmoidTableQ8(x: Tensor): Tensor {
  return runCustomGrad(
    ([input], save) => {
      save([input!]);
      const codes = tf.clipByValue(tf.add(tf.round(tf.div(input!, HSIGMOID_TABLE_Q.step)), HSIGMOID_TABLE_Q.zeroPoint), 0, 255);
      const value = tf.mul(tf.sub(codes, GATE_Q.zeroPoint), GATE_Q.step);
      return {
        value,
        gradFunc: (dy, [saved]) => [tf.mul(dy, tf.mul(tf.cast(tf.logicalAnd(tf.greater(saved!, -3), tf.less(saved!, 3)), 'float32'), 1 / 6))],
      };
    },
    [x],
  );
}
