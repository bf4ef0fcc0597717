import type { Tensor } from '@oqat/engine';
import { Quantizer } from '@oqat/quant';
import type { StaticQuantConfig } from './static-layer';

/**
 * A frozen fake quantizer for a static network: the same Quantizer class the
 * supernet trains with, its step set to the learned value, so a static
 * network's outputs equal the supernet's bit for bit.
 */
export class StaticQuant {
  private readonly quantizer: Quantizer;

  constructor(readonly config: StaticQuantConfig) {
    const { bits, signed, format, significantBits, blockSize, channelSteps } = config;
    this.quantizer = new Quantizer({ bits, signed, format, significantBits, blockSize, channels: channelSteps?.length });
    this.quantizer.setStep(bits, channelSteps ? Float32Array.from(channelSteps) : Float32Array.of(config.step));
  }

  apply(x: Tensor): Tensor {
    return this.quantizer.quantize(x);
  }

  dispose(): void {
    this.quantizer.dispose();
  }
}
