import { hardActivation, tf, type Tensor } from '@oqat/engine';
import type { SpaceActivation } from '@oqat/latency';

export type ActivationName = SpaceActivation | 'hsigmoid' | 'none';

/**
 * hswish(x) = x * relu6(x + 3) / 6 (MobileNetV3), hsigmoid(x) = relu6(x + 3) / 6
 * (the squeeze-excite gate) and relu6 run as the engine's fused
 * hardActivation: one kernel each way instead of up to 4 ops forward and 6
 * backward, with the same results bit for bit.
 */
export function applyActivation(x: Tensor, act: ActivationName): Tensor {
  switch (act) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
    case 'hswish':
    case 'hsigmoid':
      return hardActivation(x, act);
    case 'none':
      return x;
  }
}
