import { tf, type Tensor } from '@oqat/engine';
import { uniformFanIn } from '../init-weights';
import type { MatmulDevice } from './analog-layers';
import { takeWeight, type StaticLayer, type StaticQuantConfig, type WeightMap } from './static-layer';
import { StaticQuant } from './static-quant';

export interface StaticLinearConfig {
  type: 'linear';
  inF: number;
  outF: number;
  weightQuant?: StaticQuantConfig;
  inputQuant?: StaticQuantConfig;
}

/** A fully connected layer with bias, optionally fake-quantized with frozen steps. */
export class StaticLinear implements StaticLayer<StaticLinearConfig> {
  readonly weight: Tensor;
  readonly bias: Tensor;
  private readonly wq?: StaticQuant;
  private readonly aq?: StaticQuant;
  /** set: the product runs on this device (the analog one, or DNF's noise; see setAnalogDevice) */
  device?: MatmulDevice;

  constructor(
    readonly name: string,
    readonly config: StaticLinearConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    const { inF, outF } = config;
    this.weight = takeWeight(weights, `${name}.weight`, () => uniformFanIn([inF, outF], inF, seed, `${name}.weight`));
    this.bias = takeWeight(weights, `${name}.bias`, () => tf.zeros([outF]));
    if (config.weightQuant) this.wq = new StaticQuant(config.weightQuant);
    if (config.inputQuant) this.aq = new StaticQuant(config.inputQuant);
  }

  forward(x: Tensor): Tensor {
    const input = (this.aq ? this.aq.apply(x) : x) as tf.Tensor2D;
    const w = (this.wq ? this.wq.apply(this.weight) : this.weight) as tf.Tensor2D;
    return tf.add(this.device ? this.device.matmul(input, w, this.name) : tf.matMul(input, w), this.bias);
  }

  toConfig(): StaticLinearConfig {
    return { ...this.config };
  }

  weights(): WeightMap {
    return new Map([
      [`${this.name}.weight`, this.weight],
      [`${this.name}.bias`, this.bias],
    ]);
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
    this.wq?.dispose();
    this.aq?.dispose();
  }
}
