import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { LsqFakeQuantize } from '../../kernel-names';
import type { LsqFakeQuantizeAttrs, LsqFakeQuantizeInputs } from '../../kernel-names';
import { asTensor, outputFromOps } from '../output-from-ops';

/** The step as it broadcasts against x: a scalar, or [C] along x's last axis. */
export function broadcastStep(step: tf.Tensor): tf.Tensor {
  return step.size === 1 ? tf.reshape(step, []) : step;
}

/** v = x/s and its level clamp(round(v), -qn, qp): both passes need them. */
export function lsqLevels(x: tf.Tensor, step: tf.Tensor, attrs: LsqFakeQuantizeAttrs): { v: tf.Tensor; level: tf.Tensor } {
  const v = tf.div(x, broadcastStep(step));
  return { v, level: tf.clipByValue(tf.round(v), -attrs.qn, attrs.qp) };
}

/** q = clamp(round(x/s), -qn, qp)*s. */
export function lsqFakeQuantizeForward(x: tf.Tensor, step: tf.Tensor, attrs: LsqFakeQuantizeAttrs): tf.Tensor {
  return tf.mul(lsqLevels(x, step, attrs).level, broadcastStep(step));
}

function lsqFakeQuantize(args: { inputs: LsqFakeQuantizeInputs; backend: tf.KernelBackend; attrs: LsqFakeQuantizeAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  return outputFromOps(backend, () => lsqFakeQuantizeForward(asTensor(inputs.x, backend), asTensor(inputs.step, backend), attrs));
}

/** Built from tf ops, so the same kernel serves every backend. */
export function lsqFakeQuantizeConfig(backendName: string): KernelConfig {
  return { kernelName: LsqFakeQuantize, backendName, kernelFunc: lsqFakeQuantize as unknown as KernelConfig['kernelFunc'] };
}
