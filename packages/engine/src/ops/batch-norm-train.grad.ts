import { tf } from '../tf';
import type { GradConfig, Tensor } from '../tf';
import { BatchNormTrain, type BatchNormTrainAttrs } from '../kernel-names';
import { channelMean } from '../kernels/composite/batch-norm-train';

/**
 * Closed-form gradient of BatchNormTrain. With g = dy (masked by y > 0 when
 * ReLU is fused), k = scale/sqrt(var+eps), xhat = (x-mean)*rstd:
 *   dOffset = sum g, dScale = sum g*xhat,
 *   dx = k*(g - mean(g) - xhat*mean(g*xhat)) = g*k + x*k2 + k3 (per channel),
 * so dx is two 1x1 depthwise convs and an add. Gradients arriving at the
 * mean/variance outputs are ignored: they exist for running statistics.
 */
export const batchNormTrainGradConfig: GradConfig = {
  kernelName: BatchNormTrain,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [true, true, true],
  gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs) => {
    const { varianceEpsilon, relu } = attrs as unknown as BatchNormTrainAttrs;
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor4D;
    const [x, scale, y, mean, variance] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const c = x.shape[3];
    const count = x.size / c;
    const g: tf.Tensor4D = relu ? tf.mul(dy, tf.step(y)) : dy;
    const rstd = tf.rsqrt(tf.add(variance, varianceEpsilon));
    const meanG = channelMean(g);
    // mean(g * xhat) = rstd * (mean(g*x) - mean * mean(g))
    const meanGXhat = tf.mul(rstd, tf.sub(channelMean(tf.mul(g, x)), tf.mul(mean, meanG)));
    const k = tf.mul(scale, rstd);
    const k2 = tf.neg(tf.mul(tf.mul(k, rstd), meanGXhat));
    const k3 = tf.sub(tf.neg(tf.mul(k, meanG)), tf.mul(k2, mean));
    const asFilter = (v: Tensor) => v.reshape([1, 1, c, 1]) as tf.Tensor4D;
    return {
      x: () =>
        tf.add(
          tf.fused.depthwiseConv2d({ x: g, filter: asFilter(k), strides: 1, pad: 'valid', bias: k3 }),
          tf.depthwiseConv2d(x, asFilter(k2), 1, 'valid'),
        ),
      scale: () => tf.mul(meanGXhat, count),
      offset: () => tf.mul(meanG, count),
    };
  },
};
