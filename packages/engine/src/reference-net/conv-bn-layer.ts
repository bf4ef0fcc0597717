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
  /** running statistics, kept in JS: updating them with tf ops cost 6 ops per layer per step. */
  runningMean: Float32Array;
  runningVariance: Float32Array;
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
  const variable = (init: () => tf.Tensor) => tf.tidy(() => tf.variable(init()));
  return {
    depthwise,
    stride,
    relu,
    filter: variable(() => tf.randomNormal(filterShape, 0, Math.sqrt(2 / fanIn), 'float32', seed)),
    scale: variable(() => tf.ones([channels])),
    offset: variable(() => tf.zeros([channels])),
    runningMean: new Float32Array(channels),
    runningVariance: new Float32Array(channels).fill(1),
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
  const unbiased = count / Math.max(1, count - 1);
  const [batchMean, batchVariance] = [mean.dataSync(), variance.dataSync()];
  for (let c = 0; c < batchMean.length; c++) {
    layer.runningMean[c] = (1 - BN_MOMENTUM) * layer.runningMean[c]! + BN_MOMENTUM * batchMean[c]!;
    layer.runningVariance[c] = (1 - BN_MOMENTUM) * layer.runningVariance[c]! + BN_MOMENTUM * unbiased * batchVariance[c]!;
  }
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
    const k = tf.mul(layer.scale, tf.rsqrt(tf.add(tf.tensor1d(layer.runningVariance), BN_EPSILON)));
    // The per-output-channel factor is the filter's last axis for a regular
    // conv and its third for a depthwise one (multiplier 1).
    const factor = layer.depthwise ? k.reshape([1, 1, -1, 1]) : k;
    return {
      depthwise: layer.depthwise,
      stride: layer.stride,
      relu: layer.relu,
      filter: tf.keep(tf.mul(layer.filter, factor)) as Tensor4D,
      bias: tf.keep(tf.sub(layer.offset, tf.mul(tf.tensor1d(layer.runningMean), k))) as Tensor1D,
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
