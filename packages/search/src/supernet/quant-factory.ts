import type { TrainConfig } from '../config/train-config';
import { dropBitsQuantFactory } from './dropbits-layer-quant';
import type { QuantFactory } from './layer-quant';
import { formatQuantFactory, lsqQuantFactory } from './lsq-layer-quant';

/**
 * The QuantFactory a run's config asks for: the one place a quantizer name
 * becomes layer quantizers (a config written before the option, without
 * `quantizer`: LSQ). esb, abfp and pow2 learn LSQ steps on their format's grid.
 */
export function quantFactoryFor(config: Partial<Pick<TrainConfig, 'quantizer' | 'dropBits'>>): QuantFactory {
  switch (config.quantizer) {
    case 'dropbits':
      return config.dropBits ? dropBitsQuantFactory(config.dropBits) : lsqQuantFactory;
    case 'esb':
    case 'abfp':
    case 'pow2':
      return formatQuantFactory({ format: config.quantizer });
    default:
      return lsqQuantFactory;
  }
}
