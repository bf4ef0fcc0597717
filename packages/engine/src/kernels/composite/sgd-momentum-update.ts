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
  return outputsFromOps(backend, () => {
    const velocity = tf.add(tf.mul(asTensor(inputs.velocity, backend), attrs.momentum), asTensor(inputs.gradient, backend));
    return [tf.sub(asTensor(inputs.variable, backend), tf.mul(velocity, attrs.learningRate)), velocity];
  });
}

/** Built from tf ops, so the same kernel serves every backend. */
export function sgdMomentumUpdateConfig(backendName: string): KernelConfig {
  return { kernelName: SgdMomentumUpdate, backendName, kernelFunc: sgdMomentumUpdate as unknown as KernelConfig['kernelFunc'] };
}
