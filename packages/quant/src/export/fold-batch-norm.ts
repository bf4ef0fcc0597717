import { InvalidQuantOptionError, ShapeMismatchError } from '../errors';

export interface BatchNormParams {
  gamma: ArrayLike<number>;
  beta: ArrayLike<number>;
  movingMean: ArrayLike<number>;
  movingVariance: ArrayLike<number>;
  epsilon: number;
}

export interface FoldedConv {
  kernel: Float32Array;
  bias: Float32Array;
}

/**
 * Folds inference batch norm into the preceding conv (pure, host arrays):
 * k' = k·γ/√(σ²+ε) per output channel, b' = (b − μ)·γ/√(σ²+ε) + β.
 * The kernel is channel-last (tfjs conv [h, w, in, out], dense [in, out];
 * depthwise [h, w, in, mult] with C = in·mult), so element i is channel i % C.
 */
export function foldBatchNorm(kernel: ArrayLike<number>, bias: ArrayLike<number> | undefined, bn: BatchNormParams): FoldedConv {
  const c = bn.gamma.length;
  for (const [what, arr] of [['beta', bn.beta], ['movingMean', bn.movingMean], ['movingVariance', bn.movingVariance], ['bias', bias ?? bn.gamma]] as const) {
    if (arr.length !== c) throw new ShapeMismatchError('foldBatchNorm', what, arr.length, c);
  }
  if (c === 0 || kernel.length % c !== 0) {
    throw new InvalidQuantOptionError('foldBatchNorm', 'kernel length', kernel.length, `a multiple of the ${c} batch-norm channels`);
  }
  const scale = Float64Array.from({ length: c }, (_, i) => bn.gamma[i]! / Math.sqrt(bn.movingVariance[i]! + bn.epsilon));
  const folded = Float32Array.from(kernel, (v, i) => v * scale[i % c]!);
  const newBias = Float32Array.from({ length: c }, (_, i) => ((bias ? bias[i]! : 0) - bn.movingMean[i]!) * scale[i]! + bn.beta[i]!);
  return { kernel: folded, bias: newBias };
}
