import { tf, type Tensor } from '@oqat/engine';
import { applyActivation } from './activation';
import type { StaticLayer, WeightMap } from './static-layer';
import { StaticLinear, type StaticLinearConfig } from './static-linear';

export interface StaticSeConfig {
  type: 'se';
  reduce: StaticLinearConfig;
  expand: StaticLinearConfig;
}

/** Squeeze-excite at fixed width: pool, reduce + ReLU, expand + h-sigmoid, scale. */
export class StaticSe implements StaticLayer<StaticSeConfig> {
  readonly reduce: StaticLinear;
  readonly expand: StaticLinear;

  constructor(
    readonly name: string,
    readonly config: StaticSeConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    this.reduce = new StaticLinear(`${name}.reduce`, config.reduce, weights, seed);
    this.expand = new StaticLinear(`${name}.expand`, config.expand, weights, seed);
  }

  forward(x: Tensor): Tensor {
    const [n, , , c] = x.shape as [number, number, number, number];
    const hidden = applyActivation(this.reduce.forward(tf.mean(x, [1, 2])), 'relu');
    const gate = applyActivation(this.expand.forward(hidden), 'hsigmoid');
    return tf.mul(x, tf.reshape(gate, [n, 1, 1, c]));
  }

  toConfig(): StaticSeConfig {
    return { type: 'se', reduce: this.reduce.toConfig(), expand: this.expand.toConfig() };
  }

  weights(): WeightMap {
    return new Map([...this.reduce.weights(), ...this.expand.weights()]);
  }

  dispose(): void {
    this.reduce.dispose();
    this.expand.dispose();
  }
}
