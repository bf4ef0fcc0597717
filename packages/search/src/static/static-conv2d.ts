import { tf, type Tensor } from '@oqat/engine';
import { heNormalFanOut } from '../init-weights';
import type { MatmulDevice } from './analog-layers';
import { takeWeight, type StaticLayer, type StaticQuantConfig, type WeightMap } from './static-layer';
import { StaticQuant } from './static-quant';

export interface StaticConv2dConfig {
  type: 'conv2d';
  inC: number;
  outC: number;
  kernel: number;
  stride: number;
  /** depthwise (groups = inC = outC) */
  depthwise: boolean;
  /** absent: float */
  weightQuant?: StaticQuantConfig;
  inputQuant?: StaticQuantConfig;
}

/** A conv without bias ('same' padding, NHWC), optionally fake-quantized with frozen steps. */
export class StaticConv2d implements StaticLayer<StaticConv2dConfig> {
  readonly weight: Tensor;
  private readonly wq?: StaticQuant;
  private readonly aq?: StaticQuant;
  /** set: the conv runs on this device (the analog one, or DNF's noise; see setAnalogDevice) */
  device?: MatmulDevice;

  constructor(
    readonly name: string,
    readonly config: StaticConv2dConfig,
    weights?: WeightMap,
    seed = 0,
  ) {
    const { kernel: k, inC, outC, depthwise } = config;
    const shape = depthwise ? [k, k, inC, 1] : [k, k, inC, outC];
    this.weight = takeWeight(weights, `${name}.weight`, () => heNormalFanOut(shape, depthwise ? k * k : k * k * outC, seed, `${name}.weight`));
    if (config.weightQuant) this.wq = new StaticQuant(config.weightQuant);
    if (config.inputQuant) this.aq = new StaticQuant(config.inputQuant);
  }

  forward(x: Tensor): Tensor {
    const input = (this.aq ? this.aq.apply(x) : x) as tf.Tensor4D;
    const w = (this.wq ? this.wq.apply(this.weight) : this.weight) as tf.Tensor4D;
    if (this.device) return this.device.conv2d(input, w, this.config.kernel, this.config.stride, this.config.depthwise, this.name);
    return this.config.depthwise
      ? tf.depthwiseConv2d(input, w, this.config.stride, 'same')
      : tf.conv2d(input, w, this.config.stride, 'same');
  }

  toConfig(): StaticConv2dConfig {
    return { ...this.config };
  }

  weights(): WeightMap {
    return new Map([[`${this.name}.weight`, this.weight]]);
  }

  dispose(): void {
    this.weight.dispose();
    this.wq?.dispose();
    this.aq?.dispose();
  }
}
