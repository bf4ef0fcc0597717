import type { ConfigField, ConfigValidation, NewRunConfig } from '@oqat/jobs';

/** The test double's form schema: one field per NewRunConfig member. */
export const TEST_CONFIG_FIELDS: ConfigField[] = [
  { key: 'kind', label: 'Run kind', type: 'choice', choices: ['train', 'search', 'demo'], default: 'train', help: 'train a supernet, search a trained one, or both (demo)' },
  { key: 'task', label: 'Task', type: 'choice', choices: ['classification', 'segmentation'], default: 'classification', help: 'what the network predicts' },
  { key: 'dataset', label: 'Dataset', type: 'choice', choices: ['auto', 'subset', 'full'], default: 'subset', help: 'subset ships with the app; full needs Fashion-MNIST installed' },
  { key: 'space', label: 'Search space', type: 'choice', choices: ['fashion-mnist', 'ofa-mobilenetv3'], default: 'fashion-mnist', help: 'the supernet family', kinds: ['train', 'demo'] },
  { key: 'bitsChain', label: 'Bits chain', type: 'bits-chain', default: [4, 3, 2], help: 'bit widths trained in order, e.g. 4,3,2', kinds: ['train', 'demo'] },
  { key: 'epochs.float', label: 'Float epochs', type: 'integer', min: 0, max: 50, default: 0, help: 'full-precision warm-up', kinds: ['train', 'demo'] },
  { key: 'epochs.first', label: 'First-phase epochs', type: 'integer', min: 1, max: 50, default: 1, help: 'epochs at the first bit width', kinds: ['train', 'demo'] },
  { key: 'epochs.inherited', label: 'Inherited-phase epochs', type: 'integer', min: 0, max: 50, default: 1, help: 'epochs at each lower bit width', kinds: ['train', 'demo'] },
  { key: 'backend', label: 'Backend', type: 'choice', choices: ['auto', 'tensorflow', 'wasm', 'cpu'], default: 'auto', help: 'TensorFlow.js backend' },
  { key: 'devices', label: 'Devices', type: 'multi-choice', choices: ['cpu', 'cpu-ort', 'xavier', 'fpga'], default: ['cpu', 'fpga'], help: 'latency targets of the search', kinds: ['search', 'demo'] },
  { key: 'checkpointRunId', label: 'Trained run', type: 'run', default: undefined, help: 'the training run whose supernet is searched', kinds: ['search'] },
  { key: 'generations', label: 'Generations', type: 'integer', min: 1, max: 200, default: 5, help: 'evolution generations', kinds: ['search', 'demo'] },
  { key: 'population', label: 'Population', type: 'integer', min: 4, max: 500, default: 16, help: 'candidates per generation', kinds: ['search', 'demo'] },
  { key: 'maxLatencyMs', label: 'Latency budget (ms)', type: 'number', min: 0, default: undefined, help: 'optional upper bound', kinds: ['search', 'demo'] },
  { key: 'limitTrainImages', label: 'Training images per epoch', type: 'integer', min: 16, default: 512, help: 'caps an epoch for quick runs', kinds: ['train', 'demo'] },
  { key: 'seed', label: 'Seed', type: 'integer', min: 0, default: 1, help: 'the same seed gives the same run' },
];

/** The test double's validation: the same rules the form must display. */
export function validateTestConfig(config: Partial<NewRunConfig>): ConfigValidation {
  const errors: Record<string, string> = {};
  const chain = config.bitsChain;
  if (config.kind !== 'search') {
    if (!Array.isArray(chain) || chain.length === 0) errors.bitsChain = 'bits chain: give at least one bit width, e.g. 4,3,2';
    else if (chain.some((b) => !Number.isInteger(b) || b < 2 || b > 8)) errors.bitsChain = 'bits chain: each width must be an integer 2–8';
    else if (chain.some((b, i) => i > 0 && b >= chain[i - 1]!)) errors.bitsChain = 'bits chain: widths must decrease, e.g. 4,3,2';
  }
  if (config.epochs && config.epochs.first < 1) errors['epochs.first'] = 'first-phase epochs: at least 1';
  if ((config.kind === 'search' || config.kind === 'demo') && (!config.devices || config.devices.length === 0)) {
    errors.devices = 'devices: choose at least one latency target';
  }
  if (config.kind === 'search' && !config.checkpointRunId) errors.checkpointRunId = 'trained run: choose the training run to search';
  if (config.seed !== undefined && (!Number.isInteger(config.seed) || config.seed < 0)) errors.seed = 'seed: a whole number ≥ 0';
  return { ok: Object.keys(errors).length === 0, errors };
}
