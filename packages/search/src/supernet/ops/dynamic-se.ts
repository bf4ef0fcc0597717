import { tf, type Tensor } from '@oqat/engine';
import { seHiddenChannels } from '@oqat/latency';
import { applyActivation } from '../../static/activation';
import { integerActivation } from '../integer-requant';
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

  /** `integer`: as the onnxruntime integer graph computes it (integer-requant.ts): the projections' biases and the gate. */
  forward(x: Tensor, integer = false): Tensor {
    const [n, , , c] = x.shape as [number, number, number, number];
    const pooled = tf.mean(x, [1, 2]);
    const hidden = applyActivation(this.reduce.forward(pooled, seHiddenChannels(c), integer), 'relu');
    const z = this.expand.forward(hidden, c, integer);
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
