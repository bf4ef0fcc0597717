import { tf, type Tensor } from '@oqat/engine';
import { takeWeight, type StaticLayer, type WeightMap } from './static-layer';

/** The variance epsilon of every batch norm, the supernet's and the static networks'. */
export const BN_EPSILON = 1e-5;

export interface StaticBatchNormConfig {
  type: 'batch-norm';
  channels: number;
}

/** Inference batch norm with the statistics re-estimated for this subnet. */
export class StaticBatchNorm implements StaticLayer<StaticBatchNormConfig> {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly mean: Tensor;
  readonly variance: Tensor;

  constructor(
    readonly name: string,
    readonly config: StaticBatchNormConfig,
    weights?: WeightMap,
  ) {
    const c = config.channels;
    this.gamma = takeWeight(weights, `${name}.gamma`, () => tf.ones([c]));
    this.beta = takeWeight(weights, `${name}.beta`, () => tf.zeros([c]));
    this.mean = takeWeight(weights, `${name}.runningMean`, () => tf.zeros([c]));
    this.variance = takeWeight(weights, `${name}.runningVar`, () => tf.ones([c]));
  }

  /**
   * The one BN fold: y = x·scale + shift with scale = gamma / sqrt(var + eps),
   * shift = beta - mean·scale. Same arithmetic as DynamicBatchNorm's eval
   * mode, so outputs match exactly; the export folds with it too.
   */
  folded(): { scale: Tensor; shift: Tensor } {
    const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.variance, BN_EPSILON)));
    const shift = tf.sub(this.beta, tf.mul(this.mean, scale));
    return { scale, shift };
  }

  forward(x: Tensor): Tensor {
    const { scale, shift } = this.folded();
    return tf.add(tf.mul(x, scale), shift);
  }

  toConfig(): StaticBatchNormConfig {
    return { ...this.config };
  }

  weights(): WeightMap {
    const n = this.name;
    return new Map([
      [`${n}.gamma`, this.gamma],
      [`${n}.beta`, this.beta],
      [`${n}.runningMean`, this.mean],
      [`${n}.runningVar`, this.variance],
    ]);
  }

  dispose(): void {
    for (const t of [this.gamma, this.beta, this.mean, this.variance]) t.dispose();
  }
}
