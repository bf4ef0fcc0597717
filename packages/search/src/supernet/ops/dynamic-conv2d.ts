import { tf, type Tensor, type Variable } from '@oqat/engine';
import { heNormalFanOut, ownedVariable } from '../../init-weights';
import type { LayerQuant } from '../layer-quant';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { sliceLeading } from './slice-leading';

export interface DynamicConv2dConfig {
  type: 'dynamic-conv2d';
  maxInC: number;
  maxOutC: number;
  kernel: number;
  stride: number;
}

/**
 * A dense conv (no bias; BN follows) whose input and output channels are
 * elastic: a subnet uses the first inC x outC of the full weight (OFA's
 * DynamicConv2d.get_active_filter). Quantization, when given, applies to the
 * active slice with the layer's one shared step size.
 */
export class DynamicConv2d implements ParamOwner {
  readonly weight: Variable;

  constructor(
    readonly name: string,
    readonly config: DynamicConv2dConfig,
    seed: number,
    readonly quant?: LayerQuant,
  ) {
    const { kernel: k, maxInC, maxOutC } = config;
    this.weight = ownedVariable(() => heNormalFanOut([k, k, maxInC, maxOutC], k * k * maxOutC, seed, `${name}.weight`), true);
  }

  /** The weight a subnet with these channel counts uses (float, before quantization). */
  activeWeight(inC: number, outC: number): Tensor {
    const k = this.config.kernel;
    return sliceLeading(this.weight, [k, k, inC, outC]);
  }

  forward(x: Tensor, outC: number): Tensor {
    const inC = x.shape[3]!;
    let w = this.activeWeight(inC, outC);
    let input = x;
    if (this.quant) {
      w = this.quant.weight(w);
      input = this.quant.input(x);
    }
    return tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, this.config.stride, 'same');
  }

  params(): NamedParam[] {
    return [{ name: `${this.name}.weight`, variable: this.weight, decay: true }, ...(this.quant?.params() ?? [])];
  }

  buffers(): NamedBuffer[] {
    return [];
  }

  toConfig(): DynamicConv2dConfig {
    return { ...this.config };
  }

  dispose(): void {
    this.weight.dispose();
    this.quant?.dispose();
  }
}
