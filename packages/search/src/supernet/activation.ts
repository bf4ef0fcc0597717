import { tf, type Tensor } from '@oqat/engine';
import type { SpaceActivation } from '../space/search-space';

export type ActivationName = SpaceActivation | 'hsigmoid' | 'none';

/** hswish(x) = x * relu6(x + 3) / 6 (MobileNetV3). */
function hswish(x: Tensor): Tensor {
  return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
}

/** hsigmoid(x) = relu6(x + 3) / 6, the squeeze-excite gate of MobileNetV3. */
function hsigmoid(x: Tensor): Tensor {
  return tf.div(tf.relu6(tf.add(x, 3)), 6);
}

export function applyActivation(x: Tensor, act: ActivationName): Tensor {
  switch (act) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'hswish':
      return hswish(x);
    case 'hsigmoid':
      return hsigmoid(x);
    case 'none':
      return x;
  }
}
