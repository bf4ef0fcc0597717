import { tf, type Tensor } from '@oqat/engine';
import { Quantizer, ShapeMismatchError } from '@oqat/quant';
import type { StaticQuantConfig } from './static-layer';

/**
 * A frozen fake quantizer for a static network: the same Quantizer class the
 * supernet trains with, its step set to the learned value, so a static
 * network's outputs equal the supernet's bit for bit.
 */
export class StaticQuant {
  private readonly quantizer: Quantizer;
  /** the next low-precision tensor of a sum (MMSE multi-tensor): it quantizes what this one leaves */
  private readonly residual?: StaticQuant;

  constructor(readonly config: StaticQuantConfig) {
    const { bits, signed, format, significantBits, blockSize, channelSteps } = config;
    this.quantizer = new Quantizer({ bits, signed, format, significantBits, blockSize, channels: channelSteps?.length });
    this.quantizer.setStep(bits, channelSteps ? Float32Array.from(channelSteps) : Float32Array.of(config.step));
    if (config.residual) this.residual = new StaticQuant(config.residual);
  }

  apply(x: Tensor): Tensor {
    if (!this.residual) return this.quantize(x);
    return tf.tidy(() => {
      const y = this.quantize(x);
      return tf.add(y, this.residual!.apply(tf.sub(x, y)));
    });
  }

  /**
   * Per-channel steps run on the output channels: a weight's last axis, or
   * axis 2 of a depthwise weight [k, k, C, 1] (quantized as [k, k, C]).
   */
  private quantize(x: Tensor): Tensor {
    const steps = this.config.channelSteps?.length;
    if (steps === undefined) return this.quantizer.quantize(x);
    const [k1, k2, c, last] = x.shape;
    if (x.rank === 4 && last === 1 && c === steps && steps !== 1) {
      return tf.tidy(() => tf.reshape(this.quantizer.quantize(tf.reshape(x, [k1!, k2!, c])), x.shape));
    }
    if (x.shape[x.rank - 1] !== steps) throw new ShapeMismatchError('StaticQuant', 'channelSteps', steps, x.shape[x.rank - 1]!);
    return this.quantizer.quantize(x);
  }

  dispose(): void {
    this.quantizer.dispose();
    this.residual?.dispose();
  }
}
