import { tf, type Tensor } from '@oqat/engine';
import { writeCheckpointFile } from '../checkpoint/checkpoint-file';
import {
  loadSupernetState, OPTIMIZER_PREFIX, phasesStarted, readSupernetCheckpoint, storedConfig, widthPrefix, type TrainCheckpointMeta, type TrainingPosition,
} from '../checkpoint/supernet-checkpoint';
import type { TrainConfig } from '../config/train-config';
import { CheckpointError } from '../errors';
import { readNetworkState, type HostTensors } from '../supernet/network-state';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';
import type { SgdNesterov } from './sgd-nesterov';

/** Writes the supernet (the weights in training and each kept width's), optimizer momentum and position atomically. */
export function saveTrainCheckpoint(path: string, net: ElasticSupernet, optimizer: SgdNesterov, meta: Omit<TrainCheckpointMeta, 'keptWidths'>): void {
  const tensors: HostTensors = readNetworkState(net);
  for (const [name, t] of optimizer.state()) {
    tensors.set(`${OPTIMIZER_PREFIX}${name}`, { shape: [...t.shape], values: Float32Array.from(t.dataSync()) });
  }
  const keptWidths = net.widths.keptWidths();
  for (const bits of keptWidths) {
    for (const [name, t] of net.widths.keptState(bits)!) tensors.set(`${widthPrefix(bits)}${name}`, t);
  }
  writeCheckpointFile(path, { meta: { ...meta, keptWidths }, tensors });
}

/** Fields that must match for a resume to continue the same run ('phases' only up to where the run stands). */
const RUN_FIELDS = ['seed', 'task', 'space', 'data', 'segmentation', 'batchSize', 'stepsPerEpoch', 'fixedBits', 'optimizer', 'sandwich'] as const;

/**
 * The phases a checkpoint has run or started must be the config's; the ones
 * after may differ, so a run can be extended or branched at a phase boundary
 * (e.g. two 2-bit schedules from one 3-bit supernet).
 */
function checkPhasesRun(path: string, stored: TrainConfig, config: TrainConfig, position: TrainingPosition): void {
  const run = phasesStarted(position);
  const before = JSON.stringify(stored.phases.slice(0, run));
  if (before !== JSON.stringify(config.phases.slice(0, run))) {
    throw new CheckpointError(path, `its first ${run} phase(s), already run, differ from the config's`, `keep them as they were (${before.slice(0, 120)}); only later phases may change`);
  }
}

/** Reads a training checkpoint and checks it belongs to a run with this config. */
export function readTrainCheckpoint(path: string, config: TrainConfig): { meta: TrainCheckpointMeta; tensors: HostTensors } {
  const file = readSupernetCheckpoint(path);
  const stored = storedConfig(file.meta);
  for (const field of RUN_FIELDS) {
    if (JSON.stringify(stored[field]) !== JSON.stringify(config[field])) {
      throw new CheckpointError(path, `was written by a run with a different '${field}'`, `resume with the config that wrote it (its ${field}: ${JSON.stringify(stored[field]).slice(0, 80)})`);
    }
  }
  checkPhasesRun(path, stored, config, file.meta.position);
  return { meta: file.meta, tensors: file.tensors };
}

/** Loads network state (every width's) and optimizer momentum from a checkpoint read by readTrainCheckpoint. */
export function restoreTrainState(path: string, file: { meta: TrainCheckpointMeta; tensors: HostTensors }, net: ElasticSupernet, optimizer: SgdNesterov): void {
  const state = loadSupernetState(path, file.meta, storedConfig(file.meta), file.tensors, net);
  const momentum = new Map<string, Tensor>([...state].map(([name, t]) => [name, tf.tensor(t.values, t.shape)]));
  optimizer.load(momentum);
  for (const t of momentum.values()) t.dispose();
}
