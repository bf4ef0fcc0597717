import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { SgdMomentumUpdate } from '../../kernel-names';
import type { SgdMomentumUpdateAttrs, SgdMomentumUpdateInputs } from '../../kernel-names';
import { asTensor, outputsFromOps } from '../output-from-ops';

function sgdMomentumUpdate(args: {
  inputs: SgdMomentumUpdateInputs;
  backend: tf.KernelBackend;
  attrs: SgdMomentumUpdateAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { learningRate: lr, momentum: mu, weightDecay = 0, gradScale = 1 } = attrs;
  return outputsFromOps(backend, () => {
    const w = asTensor(inputs.variable, backend);
    const g0 = gradScale === 1 ? asTensor(inputs.gradient, backend) : tf.mul(asTensor(inputs.gradient, backend), gradScale);
    const g = weightDecay !== 0 ? tf.add(g0, tf.mul(w, weightDecay)) : g0;
    const velocity = tf.add(tf.mul(asTensor(inputs.velocity, backend), mu), g);
    const next = tf.sub(w, tf.mul(attrs.nesterov ? tf.add(g, tf.mul(velocity, mu)) : velocity, lr));
    return [attrs.bounded ? tf.minimum(tf.maximum(next, tf.mul(w, 0.5)), tf.mul(w, 2)) : next, velocity];
  });
}

/** Built from tf ops, so the same kernel serves every backend. */
export function sgdMomentumUpdateConfig(backendName: string): KernelConfig {
  return { kernelName: SgdMomentumUpdate, backendName, kernelFunc: sgdMomentumUpdate as unknown as KernelConfig['kernelFunc'] };
}
