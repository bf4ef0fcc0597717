import type { NewRunConfig } from './studio-service';
// oqat finetune's settings (data only too): the CLI's help reads them from here.
export { FINETUNE_FIELDS, type FinetuneField } from './finetune-fields';

/** A run config with every optional setting filled (what validateRunConfig returns). */
export type RunConfig = NewRunConfig & Required<Pick<NewRunConfig,
  'maxLatencyMs' | 'generations' | 'population' | 'limitTrainImages' | 'evalImages' | 'batchSize' | 'randomSubnets' | 'latencySamples' | 'perLayerBits' | 'dataPath' | 'skipBadFiles' | 'resizeImages' | 'quantizer' | 'preset' | 'dropBitsRate' | 'dropBitsPenalty' | 'abfpBlockSize' | 'abfpGain' | 'esbSignificantBits' | 'sqRatios'
>>;

/**
 * Every default of a new run, in one place: the CLI's help, the app's New
 * run form, the jobs' configs and (through oqatPhases) the training phases
 * are derived from it. Data only, no imports at run time, so the CLI can
 * read it without loading TensorFlow.js (`@oqat/jobs/run-defaults`).
 *
 * The training part is what the recipe measurements chose for all of
 * Fashion-MNIST (docs/benchmarks-supernet.md, `full-hour`: 89.3 / 88.8 /
 * 85.5 % at 4 / 3 / 2 bit in under an hour on a 2-core CPU): batch 32, the
 * largest alone in float for 2 epochs, one sandwich epoch per width with
 * one random subnet.
 */
export const DEFAULT_RUN_CONFIG: Readonly<RunConfig> = {
  kind: 'train',
  task: 'classification',
  dataset: 'auto',
  dataPath: '',
  skipBadFiles: false,
  resizeImages: false,
  space: 'fashion-mnist',
  bitsChain: [4, 3, 2],
  epochs: { float: 2, first: 1, inherited: 1 },
  backend: 'auto',
  devices: ['cpu', 'xavier', 'fpga'],
  seed: 1,
  maxLatencyMs: 0,
  generations: 6,
  population: 16,
  limitTrainImages: 0,
  evalImages: 0,
  batchSize: 32,
  randomSubnets: 1,
  latencySamples: 120,
  perLayerBits: false,
  // LSQ unless asked. DropBits' rate and regulariser weight are not the paper's (not found in its text here): in a
  // one-epoch run 0.5 kept every layer at 4 bits, 0.6 split them (3 at 4, 37 at 2), from 0.75 up all went to 2
  // (docs/benchmarks-mixed-precision.md, "DropBits").
  quantizer: 'lsq',
  // No backend's constraints unless asked (the academic setting: per-tensor steps, unsigned codes after ReLU).
  preset: 'none',
  dropBitsRate: 0.3,
  dropBitsPenalty: 0.6,
  // SQ off unless asked (oqat train --sq: the paper's 50 → 75 → 87.5 → 100 %, SQ_DEFAULT_RATIOS).
  sqRatios: [],
  // ABFP: the analog device's tile width and gain from the ABFP paper (@oqat/quant ANALOG_DEFAULTS; a test checks they agree).
  abfpBlockSize: 128,
  abfpGain: 8,
  // ESB: 0 = the paper's k per width (two exponent bits; TrainConfig.esb).
  esbSignificantBits: 0,
};

/** A run config's value by a form field's key ('epochs.first' reads epochs.first). */
export function runSetting(config: Readonly<NewRunConfig>, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], config);
}

/** The default of a New run form field, by its key. */
export function runDefault(key: string): unknown {
  // checkpointRunId has no default run: an empty choice.
  return runSetting(DEFAULT_RUN_CONFIG, key) ?? '';
}
