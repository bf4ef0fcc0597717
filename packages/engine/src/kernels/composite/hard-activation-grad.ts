import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { HardActivationGrad } from '../../kernel-names';
import type { HardActivationGradAttrs, HardActivationGradInputs } from '../../kernel-names';
import { asTensor, outputFromOps } from '../output-from-ops';

/** ReLU6's gradient mask as tfjs's Relu6 gradient builds it: step(z) * (z <= 6). */
function relu6Mask(z: tf.Tensor): tf.Tensor {
  return tf.cast(tf.mul(tf.lessEqual(z, 6), tf.step(z)), 'float32');
}

/** dx in the order tfjs's gradients of the composite compute it (the reference for the SIMD pass). */
export function hardActivationBackward(dy: tf.Tensor, x: tf.Tensor, activation: HardActivationGradAttrs['activation']): tf.Tensor {
  if (activation === 'relu6') return tf.mul(dy, relu6Mask(x));
  const z = tf.add(x, 3);
  if (activation === 'hsigmoid') return tf.mul(tf.div(dy, 6), relu6Mask(z));
  return tf.add(tf.mul(dy, tf.div(tf.relu6(z), 6)), tf.mul(tf.div(tf.mul(dy, x), 6), relu6Mask(z)));
}

function hardActivationGrad(args: { inputs: HardActivationGradInputs; backend: tf.KernelBackend; attrs: HardActivationGradAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  return outputFromOps(backend, () => hardActivationBackward(asTensor(inputs.dy, backend), asTensor(inputs.x, backend), attrs.activation));
}

/** Built from tf ops, so the same kernel serves every backend. */
export function hardActivationGradConfig(backendName: string): KernelConfig {
  return { kernelName: HardActivationGrad, backendName, kernelFunc: hardActivationGrad as unknown as KernelConfig['kernelFunc'] };
}
