import { tf } from '../../tf';
import type { KernelConfig, TensorInfo } from '../../tf';
import { BatchNormTrainGrad } from '../../kernel-names';
import type { BatchNormTrainGradAttrs, BatchNormTrainGradInputs } from '../../kernel-names';
import { asTensor, outputsFromOps } from '../output-from-ops';
import { channelMean } from './batch-norm-train';

/**
 * Closed form, with g = dy (masked by y > 0 when ReLU is fused),
 * k = scale*rstd, xhat = (x-mean)*rstd, P = pixels per channel:
 *   dOffset = sum g, dScale = sum g*xhat,
 *   dx = k*(g - mean(g) - xhat*mean(g*xhat)) = g*k + x*k2 + k3 per channel,
 * so dx is two 1x1 depthwise convs and an add.
 */
export function batchNormTrainGradOps(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  scale: tf.Tensor1D,
  y: tf.Tensor4D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  attrs: BatchNormTrainGradAttrs,
): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  const c = x.shape[3];
  const pixels = x.size / c;
  const g: tf.Tensor4D = attrs.relu ? tf.mul(dy, tf.step(y)) : dy;
  const rstd = tf.rsqrt(tf.add(variance, attrs.varianceEpsilon));
  const meanG = channelMean(g);
  const meanGXhat = tf.mul(rstd, tf.sub(channelMean(tf.mul(g, x)), tf.mul(mean, meanG)));
  const k = tf.mul(scale, rstd);
  const k2 = tf.neg(tf.mul(tf.mul(k, rstd), meanGXhat));
  const k3 = tf.sub(tf.neg(tf.mul(k, meanG)), tf.mul(k2, mean));
  const asFilter = (v: tf.Tensor) => v.reshape([1, 1, c, 1]) as tf.Tensor4D;
  const dx = tf.add(
    tf.fused.depthwiseConv2d({ x: g, filter: asFilter(k), strides: 1, pad: 'valid', bias: k3 }),
    tf.depthwiseConv2d(x, asFilter(k2), 1, 'valid'),
  ) as tf.Tensor4D;
  return [dx, tf.mul(meanGXhat, pixels), tf.mul(meanG, pixels)];
}

function batchNormTrainGrad(args: {
  inputs: BatchNormTrainGradInputs;
  backend: tf.KernelBackend;
  attrs: BatchNormTrainGradAttrs;
}): TensorInfo[] {
  const { inputs: i, backend, attrs } = args;
  return outputsFromOps(backend, () =>
    batchNormTrainGradOps(
      asTensor<tf.Rank.R4>(i.dy, backend),
      asTensor<tf.Rank.R4>(i.x, backend),
      asTensor<tf.Rank.R1>(i.scale, backend),
      asTensor<tf.Rank.R4>(i.y, backend),
      asTensor<tf.Rank.R1>(i.mean, backend),
      asTensor<tf.Rank.R1>(i.variance, backend),
      attrs,
    ),
  );
}

/** Built from tf ops, so the same kernel serves every backend. */
export function batchNormTrainGradConfig(backendName: string): KernelConfig {
  return {
    kernelName: BatchNormTrainGrad,
    backendName,
    kernelFunc: batchNormTrainGrad as unknown as KernelConfig['kernelFunc'],
  };
}
