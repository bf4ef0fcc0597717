import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { LsqFakeQuantizeGrad } from '../../kernel-names';
import type { LsqFakeQuantizeGradAttrs, LsqFakeQuantizeGradInputs } from '../../kernel-names';
import { asTensor, outputsFromOps } from '../output-from-ops';
import { lsqLevels } from './lsq-fake-quantize';

/**
 * LSQ's gradients (Esser et al.), v = x/s:
 *   dx = dy where -qn <= v <= qp, else 0;
 *   dStep = g * sum of dy*(level - v) inside the range, dy*level outside,
 *   summed to the step's shape.
 */
export function lsqFakeQuantizeGradOps(
  dy: tf.Tensor,
  x: tf.Tensor,
  step: tf.Tensor,
  attrs: LsqFakeQuantizeGradAttrs,
): [tf.Tensor, tf.Tensor] {
  const { v, level } = lsqLevels(x, step, attrs);
  const inside = tf.cast(tf.logicalAnd(tf.greaterEqual(v, -attrs.qn), tf.lessEqual(v, attrs.qp)), 'float32');
  const perElement = tf.mul(dy, tf.sub(level, tf.mul(v, inside)));
  const summed = step.size === 1 ? tf.sum(perElement) : tf.sum(tf.reshape(perElement, [-1, step.size]), 0);
  return [tf.mul(dy, inside), tf.mul(tf.reshape(summed, step.shape), attrs.gradScale)];
}

function lsqFakeQuantizeGrad(args: {
  inputs: LsqFakeQuantizeGradInputs;
  backend: tf.KernelBackend;
  attrs: LsqFakeQuantizeGradAttrs;
}): TensorInfo[] {
  const { inputs: i, backend, attrs } = args;
  return outputsFromOps(backend, () =>
    lsqFakeQuantizeGradOps(asTensor(i.dy, backend), asTensor(i.x, backend), asTensor(i.step, backend), attrs),
  );
}

/** Built from tf ops, so the same kernel serves every backend. */
export function lsqFakeQuantizeGradConfig(backendName: string): KernelConfig {
  return {
    kernelName: LsqFakeQuantizeGrad,
    backendName,
    kernelFunc: lsqFakeQuantizeGrad as unknown as KernelConfig['kernelFunc'],
  };
}
