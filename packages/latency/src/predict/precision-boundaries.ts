import { effectiveBits } from '../devices/device-names';
import type { LayerDesc } from '../ir/layer-desc';

/**
 * Activation elements (millions) converted between precisions along a
 * network: wherever a layer's activations run at another precision than its
 * predecessor's (the network input counts as float), the runtime converts
 * its input map (QuantizeLinear / DequantizeLinear on cpu-ort). That cost
 * belongs to the pair, not to either layer's key, so predictors add it per
 * network: `convertMsPerMelem * melems(layers)`.
 */
export class PrecisionBoundaries {
  private readonly bits: Int32Array;

  constructor(readonly device: string) {
    this.bits = Int32Array.from({ length: 33 }, (_, b) => effectiveBits(device, b));
  }

  melems(layers: readonly LayerDesc[]): number {
    const bits = this.bits;
    let prev = 32;
    let elems = 0;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      const a = l.aBits < 33 ? bits[l.aBits]! : l.aBits;
      if (a !== prev) elems += l.inH * l.inW * l.inC;
      prev = a;
    }
    return elems / 1e6;
  }
}
