import type { LowerOptions } from '@oqat/latency';
import { esbGrid } from '@oqat/quant';
import type { TrainConfig } from '../config/train-config';
import { dropBitsQuantFactory } from './dropbits-layer-quant';
import type { QuantFactory } from './layer-quant';
import { lsqQuantFactory } from './lsq-layer-quant';
import { presetOrFormatFactory, presetQuantFactory } from './preset-quant-factory';
import { sqQuantFactory } from './sq-layer-quant';

/**
 * The QuantFactory a run's config asks for: the one place a quantizer name
 * becomes layer quantizers (a config written before the option, without
 * `quantizer`: LSQ). esb, abfp and pow2 learn LSQ steps on their format's grid.
 */
export function quantFactoryFor(config: Partial<Pick<TrainConfig, 'quantizer' | 'dropBits' | 'sq' | 'preset' | 'abfp' | 'esb'>>): QuantFactory {
  // SQ partitions whichever quantizer's elastic layers (absent or no ratios: off).
  const base = quantizerFactoryFor(config);
  return config.sq && config.sq.ratios.length > 0 ? sqQuantFactory(base) : base;
}

/** The quantizer's own factory (the config type is quantFactoryFor's: extend that one Pick). */
function quantizerFactoryFor(config: Parameters<typeof quantFactoryFor>[0]): QuantFactory {
  switch (config.quantizer) {
    case 'dropbits':
      return config.dropBits ? dropBitsQuantFactory(config.dropBits) : lsqQuantFactory;
    case 'abfp':
      // the run's block size (a config without abfp: the format's default)
      return presetOrFormatFactory(config.preset, { format: 'abfp', ...(config.abfp ? { blockSize: config.abfp.blockSize } : {}) });
    case 'esb': {
      const k = runSignificantBits(config);
      return presetOrFormatFactory(config.preset, { format: 'esb', ...(k !== undefined ? { significantBits: k } : {}) });
    }
    case 'pow2':
      return presetOrFormatFactory(config.preset, { format: config.quantizer });
    default:
      // A deployment preset constrains LSQ's steps (parseTrainConfig refuses presets for the other quantizers).
      return config.preset && config.preset !== 'none' ? presetQuantFactory(config.preset, { format: 'uniform' }) : lsqQuantFactory;
  }
}

/** An esb run's k: its setting, or undefined for the paper's default per width (0, or a config without esb). */
function runSignificantBits(config: Partial<Pick<TrainConfig, 'esb'>>): number | undefined {
  return config.esb && config.esb.significantBits > 0 ? config.esb.significantBits : undefined;
}

/**
 * How a run's subnets lower to the layer IR for latency: its fixed layers'
 * bits and, for an esb run, each elastic layer's weight significant bits at
 * a width (the run's k capped per width, or the paper's default), which the
 * fpga simulator prices (devices/fpga). Other quantizers: uniform codes.
 */
export function lowerOptionsFor(config: Pick<TrainConfig, 'fixedBits'> & Partial<Pick<TrainConfig, 'quantizer' | 'esb'>>): LowerOptions {
  if (config.quantizer !== 'esb') return { fixedBits: config.fixedBits };
  const k = runSignificantBits(config);
  return { fixedBits: config.fixedBits, weightSignificantBits: (bits) => esbGrid(bits, true, k).significantBits };
}
