import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { HardActivation } from '../../kernel-names';
import type { HardActivationAttrs, HardActivationInputs, HardActivationKind } from '../../kernel-names';
import { asTensor, outputFromOps } from '../output-from-ops';

/** The activation as tf ops (the reference the SIMD kernels match bit for bit). */
export function hardActivationForward(x: tf.Tensor, activation: HardActivationKind): tf.Tensor {
  if (activation === 'relu6') return tf.relu6(x);
  const h = tf.div(tf.relu6(tf.add(x, 3)), 6);
  return activation === 'hsigmoid' ? h : tf.mul(x, h);
}

function hardActivation(args: { inputs: HardActivationInputs; backend: tf.KernelBackend; attrs: HardActivationAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  return outputFromOps(backend, () => hardActivationForward(asTensor(inputs.x, backend), attrs.activation));
}

/** Built from tf ops, so the same kernel serves every backend. */
export function hardActivationConfig(backendName: string): KernelConfig {
  return { kernelName: HardActivation, backendName, kernelFunc: hardActivation as unknown as KernelConfig['kernelFunc'] };
}
