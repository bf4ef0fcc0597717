import { bitsChainProblem, DEFAULT_SPACE, DEFAULT_TRAIN_CONFIG, oqatPhases, presetQuantizerProblem, QUANTIZER_KINDS, RUN_PRESETS, quantizedWidths, resolveSearchSpace, sqRatiosProblem, type TrainConfig } from '@oqat/search';
import { DEFAULT_RUN_CONFIG, runDefault, runSetting, type RunConfig } from './run-defaults';
import type { ConfigField, ConfigValidation, NewRunConfig } from './studio-service';
import { DEFAULT_VALIDATION } from './validation-split';
import { parseQueueUrl } from './queue/queue-url';
import type { TrainJobInput } from './train-job';
import type { RunDataFolder } from './data-folder';
import type { SearchJobInput } from './search-job';

const DEVICES = ['cpu', 'cpu-ort', 'xavier', 'fpga'];
// The renderer's type of a run's quantizer names exactly the kinds training knows.
QUANTIZER_KINDS satisfies ReadonlyArray<NonNullable<NewRunConfig['quantizer']>>;
RUN_PRESETS satisfies ReadonlyArray<NonNullable<NewRunConfig['preset']>>;

/** The New run form, generated from this list (the desktop app renders it); each default is DEFAULT_RUN_CONFIG's. */
export const CONFIG_FIELDS: ConfigField[] = ([
  { key: 'kind', label: 'Run', type: 'choice', choices: ['train', 'search'], help: 'train a supernet (then search the chosen devices), or search a trained one' },
  { key: 'task', label: 'Task', type: 'choice', choices: ['classification', 'segmentation'], help: 'segmentation: 64x64 scenes of Fashion-MNIST items, searched on mIoU' },
  { key: 'dataset', label: 'Dataset', type: 'choice', choices: ['auto', 'subset', 'full'], help: 'auto: the full Fashion-MNIST where installed, else the shipped subset', kinds: ['train'] },
  { key: 'dataPath', label: 'Data folder', type: 'folder', help: 'your own images instead of Fashion-MNIST: a sub-folder of PNG/JPEG per class (or images/ and masks/); the space is fitted to them', kinds: ['train'] },
  { key: 'space', label: 'Search space', type: 'choice', choices: ['fashion-mnist', 'ofa-mbv3'], help: 'ofa-mbv3 is once-for-all scale: for GPU servers', kinds: ['train'] },
  { key: 'bitsChain', label: 'Bits', type: 'bits-chain', choices: quantizedWidths(resolveSearchSpace(DEFAULT_RUN_CONFIG.space)).map(String), help: 'trained at the first width, then inherited down one width at a time', kinds: ['train'] },
  { key: 'epochs.float', label: 'Float warm-up epochs', type: 'integer', min: 0, max: 200, help: 'full-precision epochs before the first quantized phase', kinds: ['train'] },
  { key: 'epochs.first', label: 'First-width epochs', type: 'integer', min: 1, max: 500, help: 'epochs at the first bit width', kinds: ['train'] },
  { key: 'epochs.inherited', label: 'Inherited-width epochs', type: 'integer', min: 0, max: 500, help: 'epochs at each inherited width', kinds: ['train'] },
  { key: 'evalImages', label: 'Images per evaluation', type: 'integer', min: 0, max: 10000, help: 'test images at phase ends and validation images per searched subnet; 0 = all' },
  { key: 'batchSize', label: 'Batch size', type: 'integer', min: 8, max: 1024, help: 'images per step; smaller batches take more steps on a small dataset', kinds: ['train'] },
  { key: 'quantizer', label: 'Quantizer', type: 'choice', choices: [...QUANTIZER_KINDS], help: 'lsq: OQAT\'s learned step sizes; dropbits: SRQ with DropBits, which also learns a bit width per layer (reported at each phase end); esb: elastic significant bits; abfp: adaptive block floating point; pow2: power-of-two steps', kinds: ['train'] },
  { key: 'preset', label: 'Deployment preset', type: 'choice', choices: [...RUN_PRESETS], help: "the backend whose constraints the quantizers train under (MQBench's presets): tensorrt and openvino per-channel weights, signed activations; onnxruntime per-channel weights, unsigned activations after ReLU; vitis power-of-two steps; fpga-esb the ESB accelerator (esb weights allowed); lsq and pow2 train under every preset, esb under fpga-esb only, dropbits under none", kinds: ['train'] },
  { key: 'dropBitsRate', label: 'DropBits rate', type: 'number', min: 0, max: 0.95, help: 'dropbits: drop probability of a layer\'s finest level per step', kinds: ['train'] },
  { key: 'dropBitsPenalty', label: 'DropBits penalty', type: 'number', min: 0, max: 10, help: 'dropbits: weight of the regulariser that drops levels a layer does not need (0: none learned away)', kinds: ['train'] },
  { key: 'sqRatios', label: 'SQ ratios', type: 'number-list', help: 'SQ (stochastic quantization, any quantizer): the share of each layer\'s filters quantized per stage of a quantized phase, e.g. 0.5,0.75,0.875,1 (the paper\'s); empty: off', kinds: ['train'] },
  { key: 'abfpBlockSize', label: 'ABFP block size', type: 'integer', min: 1, max: 4096, help: 'abfp: values per block sharing a scale (the analog device\'s tile width n)', kinds: ['train'] },
  { key: 'esbSignificantBits', label: 'ESB significant bits', type: 'integer', min: 0, max: 8, help: 'esb: at most k significant bits per value (capped at each width\'s magnitude bits); 0: the paper\'s default per width, two exponent bits (k = 2 at 4 bit, 1 at 3 and 2)', kinds: ['train'] },
  { key: 'abfpGain', label: 'ABFP gain', type: 'number', min: 0.001, max: 1000000, help: 'abfp: the analog device\'s gain G before its ADC (oqat eval --device analog of this run)', kinds: ['train'] },
  { key: 'randomSubnets', label: 'Random subnets per step', type: 'integer', min: 0, max: 8, help: 'sampled besides the largest and smallest in each quantized step; 0 halves a step\'s time', kinds: ['train'] },
  { key: 'limitTrainImages', label: 'Train images per epoch', type: 'integer', min: 0, max: 60000, help: `0 = all (segmentation: scenes, default ${DEFAULT_TRAIN_CONFIG.segmentation.trainScenes}); a small number makes a quick run`, kinds: ['train'] },
  { key: 'backend', label: 'Backend', type: 'choice', choices: ['auto', 'tensorflow', 'wasm', 'cpu'], help: 'auto: tfjs-node-gpu, else tfjs-node, else wasm' },
  { key: 'devices', label: 'Devices', type: 'multi-choice', choices: DEVICES, help: 'searched after training; none = train only' },
  { key: 'checkpointRunId', label: 'Trained run', type: 'run', help: 'the training run whose supernet is searched', kinds: ['search'] },
  { key: 'maxLatencyMs', label: 'Max latency (ms)', type: 'number', min: 0, help: '0 = no limit' },
  { key: 'generations', label: 'Generations', type: 'integer', min: 1, max: 500, help: 'evolution generations per device' },
  { key: 'population', label: 'Population', type: 'integer', min: 4, max: 1000, help: 'candidates per generation' },
  { key: 'perLayerBits', label: 'Per-layer bits', type: 'boolean', help: 'the search also mutates each layer\'s bits (mixed precision), not one width per subnet', kinds: ['search'] },
  { key: 'latencySamples', label: 'CPU latency samples', type: 'integer', min: 20, max: 2000, help: 'subnets timed on this machine to fit the cpu predictors (cached per space)' },
  { key: 'seed', label: 'Seed', type: 'integer', min: 0, max: 2 ** 31 - 1, help: 'the same seed gives the same run' },
] satisfies Array<Omit<ConfigField, 'default'>>).map((field) => ({ ...field, default: runDefault(field.key) }));

/** The form's fields with the devices a studio knows (the built-in ones and its registered ones) as the Devices choices. */
export function configFieldsFor(knownDevices: readonly string[]): ConfigField[] {
  return CONFIG_FIELDS.map((f) => (f.key === 'devices' ? { ...f, choices: [...knownDevices] } : f));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const RUN_KEYS = [...Object.keys(DEFAULT_RUN_CONFIG), 'checkpointRunId', 'checkpointPath', 'queue'];
const PHASE_KINDS = Object.keys(DEFAULT_RUN_CONFIG.epochs);

/** What is wrong with a run config's shape (not an object, unknown keys, a field of the wrong JSON type), by field. */
function shapeErrors(partial: unknown): Record<string, string> {
  if (!isObject(partial)) return { config: `must be an object of run settings, got ${JSON.stringify(partial) ?? String(partial)}` };
  const errors: Record<string, string> = {};
  for (const key of Object.keys(partial)) {
    if (!RUN_KEYS.includes(key)) errors[key] = `is not a run setting (known: ${RUN_KEYS.join(', ')})`;
  }
  const { epochs, bitsChain, devices, checkpointRunId, checkpointPath, perLayerBits } = partial;
  if (epochs !== undefined && !isObject(epochs)) errors.epochs = `must be an object {${PHASE_KINDS.join(', ')}}, got ${JSON.stringify(epochs)}`;
  if (isObject(epochs)) {
    for (const key of Object.keys(epochs)) if (!PHASE_KINDS.includes(key)) errors[`epochs.${key}`] = `is not a kind of phase (${PHASE_KINDS.join(', ')})`;
  }
  if (bitsChain !== undefined && !(Array.isArray(bitsChain) && bitsChain.every(Number.isInteger))) errors.bitsChain = `must be a list of whole bit widths, got ${JSON.stringify(bitsChain)}`;
  if (devices !== undefined && !(Array.isArray(devices) && devices.every((d) => typeof d === 'string'))) errors.devices = `must be a list of device names, got ${JSON.stringify(devices)}`;
  if (checkpointRunId !== undefined && typeof checkpointRunId !== 'string') errors.checkpointRunId = `must be a run id, got ${JSON.stringify(checkpointRunId)}`;
  if (checkpointPath !== undefined && typeof checkpointPath !== 'string') errors.checkpointPath = `must be a file path, got ${JSON.stringify(checkpointPath)}`;
  if (perLayerBits !== undefined && typeof perLayerBits !== 'boolean') errors.perLayerBits = `must be true or false, got ${JSON.stringify(perLayerBits)}`;
  if (partial.queue !== undefined && typeof partial.queue !== 'string') errors.queue = `must be a redis://HOST:PORT URL, got ${JSON.stringify(partial.queue)}`;
  if (partial.sqRatios !== undefined && !(Array.isArray(partial.sqRatios) && partial.sqRatios.every((x) => typeof x === 'number'))) errors.sqRatios = `must be a list of numbers, got ${JSON.stringify(partial.sqRatios)}`;
  const { dataPath, skipBadFiles, resizeImages } = partial;
  if (dataPath !== undefined && (typeof dataPath !== 'string' || dataPath.includes('\0'))) errors.dataPath = `must be a folder path, got ${JSON.stringify(dataPath)}`;
  if (skipBadFiles !== undefined && typeof skipBadFiles !== 'boolean') errors.skipBadFiles = `must be true or false, got ${JSON.stringify(skipBadFiles)}`;
  if (resizeImages !== undefined && typeof resizeImages !== 'boolean') errors.resizeImages = `must be true or false, got ${JSON.stringify(resizeImages)}`;
  return errors;
}

/** The space a run trains: segmentation has its own. */
function trainedSpace(config: NewRunConfig): string {
  return config.task === 'segmentation' ? DEFAULT_SPACE.segmentation : config.space;
}

/** Fills defaults and checks every field; errors are one line per field. */
export function validateRunConfig(partial: Partial<NewRunConfig>, knownDevices: readonly string[] = DEVICES): { config: RunConfig; validation: ConfigValidation } {
  // Callers over HTTP and IPC send anything JSON can hold: the shape is checked before any field.
  const errors = shapeErrors(partial);
  if (Object.keys(errors).length > 0) return { config: { ...DEFAULT_RUN_CONFIG }, validation: { ok: false, errors } };
  const config: RunConfig = { ...DEFAULT_RUN_CONFIG, ...partial, epochs: { ...DEFAULT_RUN_CONFIG.epochs, ...partial.epochs } };
  if (!['train', 'search', 'demo'].includes(config.kind)) errors.kind = `must be train or search, got ${JSON.stringify(config.kind)}`;
  if (!['classification', 'segmentation'].includes(config.task)) errors.task = `must be classification or segmentation, got ${JSON.stringify(config.task)}`;
  else if (config.task === 'segmentation' && config.space === 'ofa-mbv3') errors.space = 'ofa-mbv3 is a classification space; segmentation trains the segmentation-scenes space (leave space at its default)';
  if (!['auto', 'subset', 'full'].includes(config.dataset)) errors.dataset = `must be auto, subset or full, got ${JSON.stringify(config.dataset)}`;
  if (!['fashion-mnist', 'ofa-mbv3'].includes(config.space)) errors.space = `must be fashion-mnist or ofa-mbv3, got ${JSON.stringify(config.space)}`;
  const chain = config.bitsChain;
  if (!errors.space && !errors.task) {
    // Checked against the space the run will train: its subnets exist at its own widths only.
    const problem = bitsChainProblem(resolveSearchSpace(trainedSpace(config)), chain);
    if (problem) errors.bitsChain = problem;
  }
  // Whole-number settings are checked against the bounds their form field shows.
  for (const { key, type, min, max } of CONFIG_FIELDS) {
    if (type !== 'integer') continue;
    const v = runSetting(config, key);
    if (!Number.isInteger(v) || (v as number) < min! || (v as number) > max!) errors[key] = `must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`;
  }
  if (!(QUANTIZER_KINDS as readonly string[]).includes(config.quantizer)) errors.quantizer = `must be one of ${QUANTIZER_KINDS.join(', ')}, got ${JSON.stringify(config.quantizer)}`;
  const sqProblem = sqRatiosProblem(config.sqRatios);
  if (sqProblem) errors.sqRatios = sqProblem;
  if (!(RUN_PRESETS as readonly string[]).includes(config.preset)) errors.preset = `must be one of ${RUN_PRESETS.join(', ')}, got ${JSON.stringify(config.preset)}`;
  else if (!errors.quantizer) {
    const problem = presetQuantizerProblem(config.preset, config.quantizer);
    if (problem) errors.preset = `'${config.preset}' cannot train the ${config.quantizer} quantizer: ${problem}`;
  }
  for (const { key, type, min, max } of CONFIG_FIELDS) {
    if (type !== 'number' || max === undefined) continue;
    const v = runSetting(config, key);
    if (typeof v !== 'number' || !(v >= min! && v <= max)) errors[key] = `must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`;
  }
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(config.backend)) errors.backend = `must be auto, tensorflow, wasm or cpu, got ${JSON.stringify(config.backend)}`;
  const badDevice = config.devices.find((d) => !knownDevices.includes(d));
  if (badDevice) errors.devices = `unknown device '${badDevice}': choose from ${knownDevices.join(', ')} (oqat latency fit --register NAME adds one)`;
  if (typeof config.maxLatencyMs !== 'number' || !(config.maxLatencyMs >= 0)) errors.maxLatencyMs = `must be a number ≥ 0, got ${JSON.stringify(config.maxLatencyMs)}`;
  if (config.kind === 'search' && !config.checkpointRunId && !config.checkpointPath) errors.checkpointRunId = 'choose the training run to search';
  if (config.kind === 'search' && config.devices.length === 0) errors.devices = 'choose at least one device to search';
  if (config.queue) {
    try {
      parseQueueUrl(config.queue);
    } catch (err) {
      errors.queue = (err as Error).message;
    }
  }
  return { config, validation: { ok: Object.keys(errors).length === 0, errors } };
}

/** The training config a New run form describes. */
export function toTrainConfig(config: RunConfig, base: Omit<TrainConfig, 'phases'> = DEFAULT_TRAIN_CONFIG, folder?: RunDataFolder): TrainConfig {
  if (folder) return onDataFolder(toTrainConfig({ ...config, task: folder.task }, base), folder, config.skipBadFiles, config.resizeImages);
  const phases = oqatPhases(config.bitsChain, config.epochs);
  const sandwich = { ...base.sandwich, randomSubnets: config.randomSubnets };
  const quantizer = {
    quantizer: config.quantizer,
    preset: config.preset,
    dropBits: { rate: config.dropBitsRate, penalty: config.dropBitsPenalty },
    abfp: { blockSize: config.abfpBlockSize, gain: config.abfpGain },
    esb: { significantBits: config.esbSignificantBits },
    sq: { ratios: [...config.sqRatios] },
  };
  if (config.task === 'segmentation') {
    // Image limits count scenes; 64x64 scenes need smaller batches than 28x28 images.
    const scenes = DEFAULT_TRAIN_CONFIG.segmentation;
    return {
      ...base,
      seed: config.seed,
      task: 'segmentation',
      batchSize: config.batchSize,
      space: trainedSpace(config),
      data: { ...base.data, source: config.dataset, augment: false, bnImages: Math.min(base.data.bnImages, 500) },
      segmentation: { ...scenes, trainScenes: config.limitTrainImages || scenes.trainScenes, testScenes: config.evalImages || scenes.testScenes },
      phases,
      sandwich,
      ...quantizer,
      checkpoint: { dir: '', everySteps: 25 },
      eval: { ...base.eval, batchSize: 50 },
    };
  }
  return {
    ...base,
    seed: config.seed,
    batchSize: config.batchSize,
    space: config.space === 'ofa-mbv3' ? 'ofa-mbv3' : 'fashion-mnist',
    data: { ...base.data, source: config.dataset, trainLimit: config.limitTrainImages, testLimit: config.evalImages, bnImages: Math.min(base.data.bnImages, 1000) },
    phases,
    sandwich,
    ...quantizer,
    checkpoint: { dir: '', everySteps: 25 },
  };
}

/** A training config on a data folder: the space fitted to it, and the folder where its task reads data. */
function onDataFolder(train: TrainConfig, folder: RunDataFolder, skipBadFiles: boolean, resizeImages: boolean): TrainConfig {
  if (folder.task === 'segmentation') {
    return { ...train, space: folder.space, segmentation: { ...train.segmentation, folder: folder.dir }, data: { ...train.data, skipBadFiles } };
  }
  return { ...train, space: folder.space, data: { ...train.data, folder: folder.dir, skipBadFiles, resizeImages } };
}

/** `folder`: the run config's dataPath as runDataFolder checked it. */
export function toTrainJobInput(config: RunConfig, workDir: string, base?: Omit<TrainConfig, 'phases'>, folder?: RunDataFolder): TrainJobInput & { request: NewRunConfig } {
  return { request: config, train: toTrainConfig(config, base, folder), backend: config.backend, validation: DEFAULT_VALIDATION, workDir };
}

export function toSearchJobInput(config: RunConfig, checkpoint: string, workDir: string): SearchJobInput & { request: NewRunConfig } {
  return {
    request: config,
    checkpoint,
    devices: config.devices as SearchJobInput['devices'],
    maxLatencyMs: config.maxLatencyMs || undefined,
    generations: config.generations,
    population: config.population,
    seed: config.seed,
    backend: config.backend,
    validation: DEFAULT_VALIDATION,
    // Quick runs (evalImages set) measure each subnet on fewer images, BN statistics included.
    validationImages: config.evalImages,
    bnImages: config.evalImages ? Math.min(1000, Math.max(250, config.evalImages)) : 1000,
    cpuSamples: config.latencySamples,
    accuracyPredictor: false,
    perLayerBits: config.perLayerBits,
    queue: config.queue || undefined,
    workDir,
  };
}
