import { tf, type Tensor } from '@oqat/engine';
import { seHiddenChannels } from '@oqat/latency';
import { applyActivation } from '../../static/activation';
import { fakeQuantQ8, forcedPoolQ8, type Q8 } from '@oqat/quant';
import { inputQ8, integerActivation } from '../integer-requant';
import type { QuantFactory } from '../layer-quant';
import type { NamedBuffer, NamedParam, ParamOwner } from '../named-param';
import { DynamicLinear } from './dynamic-linear';

export interface DynamicSeConfig {
  type: 'dynamic-se';
  maxChannels: number;
}

/**
 * Squeeze-excite with elastic channels (OFA's DynamicSE): global average
 * pool, reduce to hidden = C/4 (multiple of 8) with ReLU, expand back with
 * h-sigmoid, scale the input. Both projections slice their first channels.
 */
export class DynamicSe implements ParamOwner {
  readonly reduce: DynamicLinear;
  readonly expand: DynamicLinear;

  constructor(
    readonly name: string,
    readonly config: DynamicSeConfig,
    seed: number,
    quant: QuantFactory,
  ) {
    const c = config.maxChannels;
    const h = seHiddenChannels(c);
    // OQAT keeps squeeze-excite at higher precision; both inputs are non-negative (pooled activations, ReLU).
    const fixed = { precision: 'fixed' as const, signedInput: false };
    const reduce = { type: 'dynamic-linear' as const, maxIn: c, maxOut: h };
    const expand = { type: 'dynamic-linear' as const, maxIn: h, maxOut: c };
    this.reduce = new DynamicLinear(`${name}.reduce`, reduce, seed, quant(`${name}.reduce`, { ...fixed, outChannels: h }));
    this.expand = new DynamicLinear(`${name}.expand`, expand, seed, quant(`${name}.expand`, { ...fixed, outChannels: c }));
  }

  /**
   * `integer`: as the onnxruntime integer graph computes it (integer-requant.ts): the projections' biases, the gate,
   * and, when x is held on `integer.input`, the pooled values on the grid onnxruntime's pool can write (forcedPoolQ8).
   */
  forward(x: Tensor, integer?: { input?: Q8 }): Tensor {
    const [n, , , c] = x.shape as [number, number, number, number];
    let pooled = tf.mean(x, [1, 2]);
    const reader = integer?.input && inputQ8(this.reduce.quant);
    const forced = integer?.input && reader && forcedPoolQ8(integer.input, reader);
    if (forced) pooled = fakeQuantQ8(pooled, forced);
    const hidden = applyActivation(this.reduce.forward(pooled, seHiddenChannels(c), integer !== undefined, forced), 'relu');
    const z = this.expand.forward(hidden, c, integer !== undefined);
    // the integer graph's gate: its input on 8 bits over [−3, 3], then the h-sigmoid table
    const gate = integer ? integerActivation(z, 'hsigmoid', undefined, false) : applyActivation(z, 'hsigmoid');
    return tf.mul(x, tf.reshape(gate, [n, 1, 1, c]));
  }

  params(): NamedParam[] {
    return [...this.reduce.params(), ...this.expand.params()];
  }

  buffers(): NamedBuffer[] {
    return [];
  }

  toConfig(): DynamicSeConfig {
    return { ...this.config };
  }

  dispose(): void {
    this.reduce.dispose();
    this.expand.dispose();
  }
}
