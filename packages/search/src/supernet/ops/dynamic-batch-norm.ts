import { batchNormTrain, tf, type Tensor, type Variable } from '@oqat/engine';
import { applyActivation, type ActivationName } from '../../static/activation';
import { BN_EPSILON } from '../../static/static-batch-norm';
import type { ForwardContext } from '../forward-context';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { ownedVariable } from '../../init-weights';
import { biasRounding } from '../integer-requant';
import { sliceLeading } from './slice-leading';

export interface DynamicBatchNormConfig {
  type: 'dynamic-batch-norm';
  maxChannels: number;
}

/**
 * Batch norm over the first C of `maxChannels` channels (OFA's
 * DynamicBatchNorm2d): scale and shift are sliced like the conv before it;
 * running statistics are written per subnet by re-estimation.
 */
export class DynamicBatchNorm implements ParamOwner {
  readonly gamma: Variable;
  readonly beta: Variable;
  readonly runningMean: Variable;
  readonly runningVar: Variable;

  constructor(
    /** unique within the network; also keys the calibration statistics */
    readonly name: string,
    readonly maxChannels: number,
  ) {
    this.gamma = ownedVariable(() => tf.ones([maxChannels]), true);
    this.beta = ownedVariable(() => tf.zeros([maxChannels]), true);
    this.runningMean = ownedVariable(() => tf.zeros([maxChannels]), false);
    this.runningVar = ownedVariable(() => tf.ones([maxChannels]), false);
  }

  /**
   * BN then activation. Training and calibration use the engine's
   * batchNormTrain (statistics via pooling, closed-form gradient, ReLU fused);
   * eval uses the running statistics with the same arithmetic as the static
   * StaticBatchNorm, so an extracted subnet reproduces it exactly.
   */
  forward(x: Tensor, ctx: ForwardContext, act: ActivationName = 'none'): Tensor {
    const c = x.shape[x.rank - 1]!;
    const gamma = sliceLeading(this.gamma, [c]);
    const beta = sliceLeading(this.beta, [c]);
    if (ctx.mode === 'eval') {
      const scale = tf.mul(gamma, tf.rsqrt(tf.add(sliceLeading(this.runningVar, [c]), BN_EPSILON)));
      const shift = tf.sub(beta, tf.mul(sliceLeading(this.runningMean, [c]), scale));
      return applyActivation(tf.add(tf.mul(x, scale), shift), act);
    }
    const relu = act === 'relu';
    const { y, mean, variance } = batchNormTrain(x as tf.Tensor4D, gamma as tf.Tensor1D, beta as tf.Tensor1D, { epsilon: BN_EPSILON, relu });
    if (ctx.mode === 'calibrate') this.record(ctx, mean, variance);
    return relu ? y : applyActivation(y, act);
  }

  /**
   * BN (no activation) whose shift is rounded per channel to `unitsOf(multipliers)`
   * (the integer graph's int32 bias at s_x·s_w; undefined: not rounded), with
   * the running statistics in eval and the batch's in training. The rounding
   * is a constant added to the output: gradients are BN's own.
   */
  forwardRoundedShift(x: Tensor, ctx: ForwardContext, unitsOf: (multipliers: Float32Array) => Float32Array | undefined): Tensor {
    const c = x.shape[x.rank - 1]!;
    const gamma = sliceLeading(this.gamma, [c]);
    const beta = sliceLeading(this.beta, [c]);
    const rounded = (y: Tensor, mean: Tensor, variance: Tensor): Tensor => {
      const [a, shift] = tf.tidy(() => {
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
        return [Float32Array.from(scale.dataSync()), Float32Array.from(tf.sub(beta, tf.mul(mean, scale)).dataSync())];
      });
      const units = unitsOf(a);
      return units ? tf.add(y, tf.tensor1d(biasRounding(shift, units))) : y;
    };
    if (ctx.mode === 'eval') return rounded(this.forward(x, ctx), sliceLeading(this.runningMean, [c]), sliceLeading(this.runningVar, [c]));
    const { y, mean, variance } = batchNormTrain(x as tf.Tensor4D, gamma as tf.Tensor1D, beta as tf.Tensor1D, { epsilon: BN_EPSILON, relu: false });
    if (ctx.mode === 'calibrate') this.record(ctx, mean, variance);
    return rounded(y, mean, variance);
  }

  private record(ctx: ForwardContext, mean: Tensor, variance: Tensor): void {
    const sums = ctx.calibration;
    if (!sums) return;
    const prev = sums.get(this.name);
    if (!prev) {
      sums.set(this.name, { mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)), batches: 1 });
      return;
    }
    const next = { mean: tf.keep(tf.add(prev.mean, mean)), variance: tf.keep(tf.add(prev.variance, variance)), batches: prev.batches + 1 };
    prev.mean.dispose();
    prev.variance.dispose();
    sums.set(this.name, next);
  }

  /** Writes averaged calibration statistics into the first C channels (OFA's set_running_statistics). */
  applyCalibration(sum: { mean: Tensor; variance: Tensor; batches: number }): void {
    tf.tidy(() => {
      const c = sum.mean.shape[0]!;
      const write = (target: Variable, value: Tensor): void => {
        const avg = tf.div(value, sum.batches);
        target.assign(c === this.maxChannels ? avg : tf.concat([avg, tf.slice(target, [c], [this.maxChannels - c])]));
      };
      write(this.runningMean, sum.mean);
      write(this.runningVar, sum.variance);
    });
  }

  params(): NamedParam[] {
    return [
      { name: `${this.name}.gamma`, variable: this.gamma, decay: false },
      { name: `${this.name}.beta`, variable: this.beta, decay: false },
    ];
  }

  buffers(): NamedBuffer[] {
    return [
      { name: `${this.name}.runningMean`, variable: this.runningMean },
      { name: `${this.name}.runningVar`, variable: this.runningVar },
    ];
  }

  toConfig(): DynamicBatchNormConfig {
    return { type: 'dynamic-batch-norm', maxChannels: this.maxChannels };
  }

  static fromConfig(name: string, config: DynamicBatchNormConfig): DynamicBatchNorm {
    return new DynamicBatchNorm(name, config.maxChannels);
  }

  dispose(): void {
    for (const v of [this.gamma, this.beta, this.runningMean, this.runningVar]) v.dispose();
  }
}
