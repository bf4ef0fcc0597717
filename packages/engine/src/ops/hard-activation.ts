import { tf } from '../tf';
import type { Tensor } from '../tf';
import { HardActivation, type HardActivationAttrs, type HardActivationKind } from '../kernel-names';

const KINDS: readonly HardActivationKind[] = ['hswish', 'hsigmoid', 'relu6'];

/**
 * MobileNetV3's piecewise-linear activations, differentiable: 'hswish'
 * x*relu6(x+3)/6, 'hsigmoid' relu6(x+3)/6, 'relu6'. Why: as tf ops h-swish
 * is 4 kernel calls forward and 6 backward over activation-sized tensors
 * (plus Cast/LessEqual/Step for ReLU6's mask); this is one kernel each way
 * (one SIMD pass on wasm), with the composite's results bit for bit.
 */
function hardActivation_<T extends Tensor>(x: T, activation: HardActivationKind): T {
  tf.util.assert(KINDS.includes(activation), () => `Error in hardActivation: activation must be one of ${KINDS.join(', ')}, got ${activation}`);
  tf.util.assert(x.dtype === 'float32', () => `Error in hardActivation: x must be float32, got ${x.dtype}`);
  const attrs: HardActivationAttrs = { activation };
  return tf.engine().runKernel(HardActivation, { x }, attrs as unknown as tf.NamedAttrMap) as T;
}

export const hardActivation = hardActivation_;
