import { tf, type Tensor, type Variable } from '@oqat/engine';
import type { Q8 } from '@oqat/quant';
import { ownedVariable, uniformFanIn } from '../../init-weights';
import { biasRounding, biasUnits } from '../integer-requant';
import type { LayerQuant } from '../layer-quant';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { sliceLeading } from './slice-leading';

export interface DynamicLinearConfig {
  type: 'dynamic-linear';
  maxIn: number;
  maxOut: number;
}

/**
 * A fully connected layer with bias whose input and output features are
 * elastic (first k). Used for the classifier, the feature-mix layer and the
 * two squeeze-excite projections (1x1 convs on a pooled map are the same).
 */
export class DynamicLinear implements ParamOwner {
  readonly weight: Variable;
  readonly bias: Variable;

  constructor(
    readonly name: string,
    readonly config: DynamicLinearConfig,
    seed: number,
    readonly quant?: LayerQuant,
  ) {
    this.weight = ownedVariable(() => uniformFanIn([config.maxIn, config.maxOut], config.maxIn, seed, `${name}.weight`), true);
    this.bias = ownedVariable(() => tf.zeros([config.maxOut]), true);
  }

  activeWeight(inF: number, outF: number): Tensor {
    return sliceLeading(this.weight, [inF, outF]);
  }

  activeBias(outF: number): Tensor {
    return sliceLeading(this.bias, [outF]);
  }

  /**
   * x: [N, inF] with inF <= maxIn. `integer`: the bias on the onnxruntime
   * integer graph's int32 unit (integer-requant.ts); `integerInput`: x is
   * already on the grid that graph reads it on (forcedPoolQ8), not the
   * layer's own input quantizer.
   */
  forward(x: Tensor, outF: number, integer = false, integerInput?: Q8): Tensor {
    const inF = x.shape[1]!;
    let w = this.activeWeight(inF, outF);
    let input = x;
    if (this.quant) {
      w = this.quant.weight(w);
      if (!integerInput) input = this.quant.input(x);
    }
    return tf.add(tf.matMul(input as tf.Tensor2D, w as tf.Tensor2D), integer ? this.integerBias(this.activeBias(outF), outF, integerInput) : this.activeBias(outF));
  }

  /** The bias rounded to the integer graph's int32 unit s_x·s_w per output (a constant added: the gradient is the bias's). */
  private integerBias(bias: Tensor, outF: number, input: Q8 | undefined): Tensor {
    const units = biasUnits(this.quant, new Float32Array(outF).fill(1), input);
    return units ? tf.add(bias, tf.tensor1d(biasRounding(Float32Array.from(bias.dataSync()), units))) : bias;
  }

  params(): NamedParam[] {
    return [
      { name: `${this.name}.weight`, variable: this.weight, decay: true },
      { name: `${this.name}.bias`, variable: this.bias, decay: false },
      ...(this.quant?.params() ?? []),
    ];
  }

  buffers(): NamedBuffer[] {
    return [];
  }

  toConfig(): DynamicLinearConfig {
    return { ...this.config };
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
    this.quant?.dispose();
  }
}
