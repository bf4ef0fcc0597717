import { DEFAULT_SPACE, DEFAULT_TRAIN_CONFIG, oqatPhases, type TrainConfig } from '@oqat/search';
import type { ConfigField, ConfigValidation, NewRunConfig } from './studio-service';
import { DEFAULT_VALIDATION } from './validation-split';
import type { TrainJobInput } from './train-job';
import type { SearchJobInput } from './search-job';

/** Every default of a new run, in one place. */
export const DEFAULT_RUN_CONFIG: NewRunConfig = {
  kind: 'train',
  task: 'classification',
  dataset: 'auto',
  space: 'fashion-mnist',
  bitsChain: [4, 3, 2],
  epochs: { float: 1, first: 4, inherited: 2 },
  backend: 'auto',
  devices: ['cpu', 'xavier', 'fpga'],
  seed: 1,
  generations: 6,
  population: 16,
};

const DEVICES = ['cpu', 'cpu-ort', 'xavier', 'fpga'];

/** The New run form, generated from this list (the desktop app renders it). */
export const CONFIG_FIELDS: ConfigField[] = [
  { key: 'kind', label: 'Run', type: 'choice', choices: ['train', 'search'], default: 'train', help: 'train a supernet (then search the chosen devices), or search a trained one' },
  { key: 'task', label: 'Task', type: 'choice', choices: ['classification', 'segmentation'], default: 'classification', help: 'segmentation: 64x64 scenes of Fashion-MNIST items, searched on mIoU' },
  { key: 'dataset', label: 'Dataset', type: 'choice', choices: ['auto', 'subset', 'full'], default: 'auto', help: 'auto: the full Fashion-MNIST where installed, else the shipped subset', kinds: ['train'] },
  { key: 'space', label: 'Search space', type: 'choice', choices: ['fashion-mnist', 'ofa-mbv3'], default: 'fashion-mnist', help: 'ofa-mbv3 is once-for-all scale: for GPU servers', kinds: ['train'] },
  { key: 'bitsChain', label: 'Bits', type: 'bits-chain', choices: ['8', '4', '3', '2'], default: [4, 3, 2], help: 'trained at the first width, then inherited down one width at a time', kinds: ['train'] },
  { key: 'epochs.float', label: 'Float warm-up epochs', type: 'integer', min: 0, max: 200, default: 1, help: 'full-precision epochs before the first quantized phase', kinds: ['train'] },
  { key: 'epochs.first', label: 'First-width epochs', type: 'integer', min: 1, max: 500, default: 4, help: 'epochs at the first bit width', kinds: ['train'] },
  { key: 'epochs.inherited', label: 'Inherited-width epochs', type: 'integer', min: 0, max: 500, default: 2, help: 'epochs at each inherited width', kinds: ['train'] },
  { key: 'evalImages', label: 'Images per evaluation', type: 'integer', min: 0, max: 10000, default: 0, help: 'test images at phase ends and validation images per searched subnet; 0 = all' },
  { key: 'batchSize', label: 'Batch size', type: 'integer', min: 8, max: 1024, default: 128, help: 'images per step; smaller batches take more steps on a small dataset', kinds: ['train'] },
  { key: 'randomSubnets', label: 'Random subnets per step', type: 'integer', min: 0, max: 8, default: DEFAULT_TRAIN_CONFIG.sandwich.randomSubnets, help: 'sampled besides the largest and smallest in each quantized step; 0 halves a step\'s time', kinds: ['train'] },
  { key: 'limitTrainImages', label: 'Train images per epoch', type: 'integer', min: 0, max: 60000, default: 0, help: '0 = all (segmentation: scenes, default 4000); a small number makes a quick run', kinds: ['train'] },
  { key: 'backend', label: 'Backend', type: 'choice', choices: ['auto', 'tensorflow', 'wasm', 'cpu'], default: 'auto', help: 'auto: tfjs-node-gpu, else tfjs-node, else wasm' },
  { key: 'devices', label: 'Devices', type: 'multi-choice', choices: DEVICES, default: ['cpu', 'xavier', 'fpga'], help: 'searched after training; none = train only' },
  { key: 'checkpointRunId', label: 'Trained run', type: 'run', default: '', help: 'the training run whose supernet is searched', kinds: ['search'] },
  { key: 'maxLatencyMs', label: 'Max latency (ms)', type: 'number', min: 0, default: 0, help: '0 = no limit' },
  { key: 'generations', label: 'Generations', type: 'integer', min: 1, max: 500, default: 6, help: 'evolution generations per device' },
  { key: 'population', label: 'Population', type: 'integer', min: 4, max: 1000, default: 16, help: 'candidates per generation' },
  { key: 'latencySamples', label: 'CPU latency samples', type: 'integer', min: 20, max: 2000, default: 120, help: 'subnets timed on this machine to fit the cpu predictors (cached per space)' },
  { key: 'seed', label: 'Seed', type: 'integer', min: 0, max: 2 ** 31 - 1, default: 1, help: 'the same seed gives the same run' },
];

/** Fills defaults and checks every field; errors are one line per field. */
export function validateRunConfig(partial: Partial<NewRunConfig>): { config: NewRunConfig; validation: ConfigValidation } {
  const config: NewRunConfig = { ...DEFAULT_RUN_CONFIG, ...partial, epochs: { ...DEFAULT_RUN_CONFIG.epochs, ...partial.epochs } };
  const errors: Record<string, string> = {};
  const int = (key: string, v: unknown, min: number, max: number) => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) errors[key] = `must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`;
  };
  if (!['train', 'search', 'demo'].includes(config.kind)) errors.kind = `must be train or search, got ${JSON.stringify(config.kind)}`;
  if (!['classification', 'segmentation'].includes(config.task)) errors.task = `must be classification or segmentation, got ${JSON.stringify(config.task)}`;
  else if (config.task === 'segmentation' && config.space === 'ofa-mbv3') errors.space = 'ofa-mbv3 is a classification space; segmentation trains the segmentation-scenes space (leave space at its default)';
  if (!['auto', 'subset', 'full'].includes(config.dataset)) errors.dataset = `must be auto, subset or full, got ${JSON.stringify(config.dataset)}`;
  if (!['fashion-mnist', 'ofa-mbv3'].includes(config.space)) errors.space = `must be fashion-mnist or ofa-mbv3, got ${JSON.stringify(config.space)}`;
  const chain = config.bitsChain;
  if (!Array.isArray(chain) || chain.length === 0 || chain.some((b) => ![2, 3, 4, 8].includes(b))) {
    errors.bitsChain = `must list bit widths among 8, 4, 3, 2, got ${JSON.stringify(chain)}`;
  } else if (chain.some((b, i) => i > 0 && b >= chain[i - 1]!)) {
    errors.bitsChain = `must go down (inheritance passes a supernet to fewer bits), got ${chain.join(' → ')}`;
  }
  int('epochs.float', config.epochs.float, 0, 200);
  int('epochs.first', config.epochs.first, 1, 500);
  int('epochs.inherited', config.epochs.inherited, 0, 500);
  int('seed', config.seed, 0, 2 ** 31 - 1);
  if (config.generations !== undefined) int('generations', config.generations, 1, 500);
  if (config.population !== undefined) int('population', config.population, 4, 1000);
  if (config.limitTrainImages !== undefined) int('limitTrainImages', config.limitTrainImages, 0, 60000);
  if (config.evalImages !== undefined) int('evalImages', config.evalImages, 0, 10000);
  if (config.batchSize !== undefined) int('batchSize', config.batchSize, 8, 1024);
  if (config.randomSubnets !== undefined) int('randomSubnets', config.randomSubnets, 0, 8);
  if (config.latencySamples !== undefined) int('latencySamples', config.latencySamples, 20, 2000);
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(config.backend)) errors.backend = `must be auto, tensorflow, wasm or cpu, got ${JSON.stringify(config.backend)}`;
  const badDevice = (config.devices ?? []).find((d) => !DEVICES.includes(d));
  if (badDevice) errors.devices = `unknown device '${badDevice}': choose from ${DEVICES.join(', ')}`;
  if (config.maxLatencyMs !== undefined && !(config.maxLatencyMs >= 0)) errors.maxLatencyMs = `must be ≥ 0, got ${config.maxLatencyMs}`;
  if (config.kind === 'search' && !config.checkpointRunId && !config.checkpointPath) errors.checkpointRunId = 'choose the training run to search';
  if (config.kind === 'search' && config.devices.length === 0) errors.devices = 'choose at least one device to search';
  return { config, validation: { ok: Object.keys(errors).length === 0, errors } };
}

/** The training config a New run form describes. */
export function toTrainConfig(config: NewRunConfig, base: TrainConfig = DEFAULT_TRAIN_CONFIG): TrainConfig {
  const phases = oqatPhases(config.bitsChain, config.epochs);
  const sandwich = { ...base.sandwich, randomSubnets: config.randomSubnets ?? base.sandwich.randomSubnets };
  if (config.task === 'segmentation') {
    // Image limits count scenes; 64x64 scenes need smaller batches than 28x28 images.
    const scenes = DEFAULT_TRAIN_CONFIG.segmentation;
    return {
      ...base,
      seed: config.seed,
      task: 'segmentation',
      batchSize: config.batchSize ?? Math.min(base.batchSize, 32),
      space: DEFAULT_SPACE.segmentation,
      data: { ...base.data, source: config.dataset, augment: false, bnImages: Math.min(base.data.bnImages, 500) },
      segmentation: { ...scenes, trainScenes: config.limitTrainImages || scenes.trainScenes, testScenes: config.evalImages || scenes.testScenes },
      phases,
      sandwich,
      checkpoint: { dir: '', everySteps: 25 },
      eval: { ...base.eval, batchSize: 50 },
    };
  }
  return {
    ...base,
    seed: config.seed,
    batchSize: config.batchSize ?? base.batchSize,
    space: config.space === 'ofa-mbv3' ? 'ofa-mbv3' : 'fashion-mnist',
    data: { ...base.data, source: config.dataset, trainLimit: config.limitTrainImages ?? 0, testLimit: config.evalImages ?? 0, bnImages: Math.min(base.data.bnImages, 1000) },
    phases,
    sandwich,
    checkpoint: { dir: '', everySteps: 25 },
  };
}

export function toTrainJobInput(config: NewRunConfig, workDir: string, base?: TrainConfig): TrainJobInput & { request: NewRunConfig } {
  return { request: config, train: toTrainConfig(config, base), backend: config.backend, validation: DEFAULT_VALIDATION, workDir };
}

export function toSearchJobInput(config: NewRunConfig, checkpoint: string, workDir: string): SearchJobInput & { request: NewRunConfig } {
  return {
    request: config,
    checkpoint,
    devices: config.devices as SearchJobInput['devices'],
    maxLatencyMs: config.maxLatencyMs || undefined,
    generations: config.generations ?? 6,
    population: config.population ?? 16,
    seed: config.seed,
    backend: config.backend,
    validation: DEFAULT_VALIDATION,
    // Quick runs (evalImages set) measure each subnet on fewer images, BN statistics included.
    validationImages: config.evalImages ?? 0,
    bnImages: config.evalImages ? Math.min(1000, Math.max(250, config.evalImages)) : 1000,
    cpuSamples: config.latencySamples ?? 120,
    accuracyPredictor: false,
    workDir,
  };
}
