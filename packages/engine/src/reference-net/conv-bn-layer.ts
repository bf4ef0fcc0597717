import { tf } from '../tf';
import type { Tensor1D, Tensor4D, Variable } from '../tf';
import { batchNormTrain } from '../ops/batch-norm-train';

const BN_EPSILON = 1e-5;
const BN_MOMENTUM = 0.1; // PyTorch's convention: running = (1-m)*running + m*batch

/** conv (regular or depthwise, no bias) + batch norm (+ ReLU): the reference net's unit. */
export interface ConvBnLayer {
  depthwise: boolean;
  stride: number;
  relu: boolean;
  filter: Variable;
  scale: Variable;
  offset: Variable;
  runningMean: Variable;
  runningVariance: Variable;
}

/** He-normal filter, unit scale, zero offset; `seed` makes it reproducible. */
export function createConvBn(
  shape: { kernel: number; inChannels: number; outChannels: number; depthwise: boolean },
  stride: number,
  relu: boolean,
  seed: number,
): ConvBnLayer {
  const { kernel, inChannels, outChannels, depthwise } = shape;
  const filterShape = depthwise ? [kernel, kernel, inChannels, 1] : [kernel, kernel, inChannels, outChannels];
  const fanIn = depthwise ? kernel * kernel : kernel * kernel * inChannels;
  const channels = depthwise ? inChannels : outChannels;
  // tidy frees the initial values (a variable keeps its own reference).
  const variable = (init: () => tf.Tensor, trainable = true) => tf.tidy(() => tf.variable(init(), trainable));
  return {
    depthwise,
    stride,
    relu,
    filter: variable(() => tf.randomNormal(filterShape, 0, Math.sqrt(2 / fanIn), 'float32', seed)),
    scale: variable(() => tf.ones([channels])),
    offset: variable(() => tf.zeros([channels])),
    runningMean: variable(() => tf.zeros([channels]), false),
    runningVariance: variable(() => tf.ones([channels]), false),
  };
}

export function trainableVariables(layer: ConvBnLayer): Variable[] {
  return [layer.filter, layer.scale, layer.offset];
}

/** Training forward: batch statistics, running statistics updated as a side effect. */
export function convBnTrain(layer: ConvBnLayer, x: Tensor4D): Tensor4D {
  const filter = layer.filter as unknown as Tensor4D;
  const conv = layer.depthwise
    ? tf.depthwiseConv2d(x, filter, layer.stride, 'same')
    : tf.conv2d(x, filter, layer.stride, 'same');
  const { y, mean, variance } = batchNormTrain(conv, layer.scale as unknown as Tensor1D, layer.offset as unknown as Tensor1D, {
    epsilon: BN_EPSILON,
    relu: layer.relu,
  });
  const count = conv.size / conv.shape[3];
  tf.tidy(() => {
    layer.runningMean.assign(tf.add(tf.mul(layer.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
    layer.runningVariance.assign(tf.add(tf.mul(layer.runningVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  });
  return y;
}

/** Inference weights: BN folded into the filter and a bias (the usual deployment form). */
export interface FoldedConv {
  depthwise: boolean;
  stride: number;
  relu: boolean;
  filter: Tensor4D;
  bias: Tensor1D;
}

export function foldConvBn(layer: ConvBnLayer): FoldedConv {
  return tf.tidy(() => {
    const k = tf.mul(layer.scale, tf.rsqrt(tf.add(layer.runningVariance, BN_EPSILON)));
    // The per-output-channel factor is the filter's last axis for a regular
    // conv and its third for a depthwise one (multiplier 1).
    const factor = layer.depthwise ? k.reshape([1, 1, -1, 1]) : k;
    return {
      depthwise: layer.depthwise,
      stride: layer.stride,
      relu: layer.relu,
      filter: tf.keep(tf.mul(layer.filter, factor)) as Tensor4D,
      bias: tf.keep(tf.sub(layer.offset, tf.mul(layer.runningMean, k))) as Tensor1D,
    };
  });
}

/** Inference forward of a folded unit: one fused conv + bias (+ ReLU). */
export function foldedConv(unit: FoldedConv, x: Tensor4D): Tensor4D {
  const args = {
    x,
    filter: unit.filter,
    strides: unit.stride,
    pad: 'same' as const,
    bias: unit.bias,
    activation: unit.relu ? ('relu' as const) : ('linear' as const),
  };
  return unit.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
}
