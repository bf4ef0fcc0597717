import type { ConfigField, FinetuneNumbers } from './studio-service';

/**
 * One setting of a finetune run (`oqat finetune`, the Export screen's
 * Finetune panel): its request key, CLI flag, bounds, default and where the
 * default comes from. Data only, no imports at run time, so the CLI's help
 * reads it without loading TensorFlow.js (`@oqat/jobs/run-defaults`
 * re-exports it); the app gets it from the service (finetuneFields).
 */
export interface FinetuneField extends Omit<ConfigField, 'key' | 'kinds'> {
  key: keyof FinetuneNumbers;
  flag: string;
  /** the analog device's parameter (absent from a request: the run's abfp block size and gain, then the device's defaults) */
  device?: true;
}

/**
 * Every default of a finetune run, in one place. The ABFP paper (Basumallik
 * et al. 2022, arXiv:2205.06287) proposes DNF but only its abstract was
 * readable here: it gives no step count, learning rate or calibration size.
 * The finetuning defaults are this project's measured setting
 * (docs/benchmarks-quant.md, "DNF against plain finetuning": 60 steps of 32
 * images at lr 0.005, noise measured on 64 images every 20 steps: +5.0 points
 * on the noisy device); the device's are @oqat/quant's ANALOG_DEFAULTS (the
 * paper's 8-bit ABFP at tile 128 and gain 8; a test holds them equal).
 */
export const FINETUNE_FIELDS: readonly FinetuneField[] = [
  { key: 'steps', flag: 'steps', label: 'Steps', type: 'integer', min: 0, max: 100000, default: 60, help: 'finetuning steps (0: measure only). Ours: 60 recovered 5 points on the noisy device (docs/benchmarks-quant.md); the paper\'s count was not readable' },
  { key: 'lr', flag: 'lr', label: 'Learning rate', type: 'number', min: 1e-7, max: 1, default: 0.005, help: 'Nesterov SGD step size, constant (ours, as the DNF benchmark; the paper\'s was not readable)' },
  { key: 'batchSize', flag: 'batch', label: 'Batch size', type: 'integer', min: 1, max: 1024, default: 32, help: 'labelled training images per step (ours, as the DNF benchmark)' },
  { key: 'momentum', flag: 'momentum', label: 'Momentum', type: 'number', min: 0, max: 0.999, default: 0.9, help: 'SGD momentum (Nesterov)' },
  { key: 'calibrationImages', flag: 'calibration-images', label: 'Noise images', type: 'integer', min: 1, max: 60000, default: 64, help: 'dnf: training images run on the device to measure each layer\'s differential noise (mean and std of device(x,W) − x·W per output channel); ours' },
  { key: 'refreshSteps', flag: 'refresh-steps', label: 'Noise refresh', type: 'integer', min: 0, max: 100000, default: 20, help: 'dnf: steps between measurements of the noise as the weights move (0: measured once, before the first step); ours' },
  { key: 'testImages', flag: 'test-images', label: 'Test images', type: 'integer', min: 0, max: 1000000, default: 1000, help: 'test images each measurement uses, 0 = all (the device model is slow: ~0.1-0.3 s per image here)' },
  { key: 'bnImages', flag: 'bn-images', label: 'BN images', type: 'integer', min: 0, max: 60000, default: 1000, help: 'training images for BN re-estimation of the subnet before it is extracted (BN statistics then stay frozen)' },
  { key: 'blockSize', flag: 'analog-block-size', label: 'Tile width n', type: 'integer', min: 1, max: 4096, default: 128, device: true, help: 'analog: values per ABFP block, the tile width (the ADC full scale is ±n); ABFP paper Table II: 128' },
  { key: 'inputBits', flag: 'dac-bits', label: 'DAC bits', type: 'integer', min: 2, max: 32, default: 8, device: true, help: 'analog: DAC bits of the block-normalized inputs (2-16, 32 = ideal); the paper\'s 8-bit ABFP' },
  { key: 'weightBits', flag: 'weight-bits', label: 'Weight bits', type: 'integer', min: 2, max: 32, default: 8, device: true, help: 'analog: bits of the block-normalized weights (2-16, 32 = ideal); the paper\'s 8' },
  { key: 'adcBits', flag: 'adc-bits', label: 'ADC bits', type: 'integer', min: 2, max: 32, default: 8, device: true, help: 'analog: ADC bits of the amplified block outputs (2-16, 32 = ideal); the paper\'s 8' },
  { key: 'gain', flag: 'gain', label: 'Gain G', type: 'number', min: 0.001, max: 1000000, default: 8, device: true, help: 'analog: gain before the ADC (the digital side divides by G); ABFP paper Table II: 8 at tile 128' },
  { key: 'noise', flag: 'analog-noise', label: 'Noise σ', type: 'number', min: 0, max: 10, default: 0, device: true, help: 'analog: Gaussian noise std at the ADC input as a share of the full scale n (0.01 = 1 %); no paper figure was readable, so off unless asked: DNF is for a noisy device' },
];

/** The default of a finetune setting, by its request key. */
export function finetuneDefault(key: keyof FinetuneNumbers): number {
  return FINETUNE_FIELDS.find((f) => f.key === key)!.default as number;
}
