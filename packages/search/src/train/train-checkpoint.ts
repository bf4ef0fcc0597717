import type { SearchSpace } from '@oqat/latency';
import { readCheckpointFile, writeCheckpointFile } from '../checkpoint/checkpoint-file';
import { CheckpointError } from '../errors';
import { checkNetworkState, loadNetworkState, readNetworkState, type HostTensors } from '../supernet/network-state';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';
import { tf, type Tensor } from '@oqat/engine';
import type { SgdNesterov } from './sgd-nesterov';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './train-config';

/** Where a run stands: the next step to run is `phaseStep` of phase `phaseIndex`. */
export interface TrainingPosition {
  phaseIndex: number;
  phaseStep: number;
  globalStep: number;
}

export interface TrainCheckpointMeta {
  kind: 'oqat-supernet-training';
  config: TrainConfig;
  space: SearchSpace;
  position: TrainingPosition;
  /**
   * The subnet sampler's state. Each step draws its subnets from a fresh
   * generator seeded with derive(seed, stream, phaseIndex, phaseStep), so
   * this position is its whole state (no generator state to replay).
   */
  sampler: { seed: number; stream: 'sandwich'; phaseIndex: number; phaseStep: number };
  /**
   * Widths whose finished phase's weights are kept apart (tensors
   * `width<bits>/<name>`); the plain tensors are the weights in training.
   * Absent in checkpoints written before per-width weights.
   */
  keptWidths: number[];
}

const OPTIMIZER_PREFIX = 'optimizer/';
const widthPrefix = (bits: number): string => `width${bits}/`;
const WIDTH_TENSOR = /^width(\d+)\/(.*)$/;

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

/** The width whose weights a checkpoint's plain tensors hold: the phase in training, or the last one run (none before the first step). */
function trainingWidth(config: TrainConfig, position: TrainingPosition): number | undefined {
  const started = phasesStarted(position);
  return started > 0 ? config.phases[started - 1]!.bits : undefined;
}

/** A checkpoint's tensors split into the weights in training, each kept width's, and optimizer momentum. */
function splitCheckpointTensors(path: string, meta: TrainCheckpointMeta, tensors: HostTensors): { training: HostTensors; kept: Map<number, HostTensors>; optimizer: HostTensors } {
  if (!Array.isArray(meta.keptWidths)) {
    throw new CheckpointError(path, 'was written before OQAT Studio kept one supernet per bit width', 'train it again with this version (oqat train)');
  }
  const training: HostTensors = new Map();
  const optimizer: HostTensors = new Map();
  const kept = new Map<number, HostTensors>(meta.keptWidths.map((bits) => [bits, new Map()]));
  for (const [name, t] of tensors) {
    if (name.startsWith(OPTIMIZER_PREFIX)) {
      optimizer.set(name.slice(OPTIMIZER_PREFIX.length), t);
      continue;
    }
    const m = WIDTH_TENSOR.exec(name);
    const width = m ? kept.get(Number(m[1])) : undefined;
    if (m && !width) throw new CheckpointError(path, `holds tensor '${name}' of a width its header does not list`, 'the file is damaged; use another checkpoint');
    if (m) width!.set(m[2]!, t);
    else training.set(name, t);
  }
  return { training, kept, optimizer };
}

/** Loads a checkpoint's weights into a supernet: the training weights into its variables, the kept widths beside them. */
export function loadSupernetState(path: string, meta: TrainCheckpointMeta, config: TrainConfig, tensors: HostTensors, net: ElasticSupernet): HostTensors {
  const { training, kept, optimizer } = splitCheckpointTensors(path, meta, tensors);
  loadNetworkState(net, training, path);
  for (const [bits, state] of kept) {
    // Checked now, naming the file, not when a search first activates that width.
    checkNetworkState(net, state, path);
    net.widths.restore(bits, state);
  }
  net.widths.loaded = trainingWidth(config, meta.position);
  return optimizer;
}

/** Fields that must match for a resume to continue the same run ('phases' only up to where the run stands). */
const RUN_FIELDS = ['seed', 'task', 'space', 'data', 'segmentation', 'batchSize', 'stepsPerEpoch', 'fixedBits', 'optimizer', 'sandwich'] as const;

/** How many of the config's phases a run at this position has run or started. */
export function phasesStarted(position: TrainingPosition): number {
  return position.phaseIndex + (position.phaseStep > 0 ? 1 : 0);
}

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

/** A checkpoint's config with the fields older checkpoints lack (written before segmentation) at their defaults. */
export function storedConfig(meta: TrainCheckpointMeta): TrainConfig {
  const { task, segmentation } = DEFAULT_TRAIN_CONFIG;
  const config: Partial<TrainConfig> = meta.config;
  return { task, segmentation, ...config } as TrainConfig;
}

/** Reads a training checkpoint and checks it belongs to a run with this config. */
export function readTrainCheckpoint(path: string, config: TrainConfig): { meta: TrainCheckpointMeta; tensors: HostTensors } {
  const file = readCheckpointFile<TrainCheckpointMeta>(path);
  if (file.meta?.kind !== 'oqat-supernet-training') {
    throw new CheckpointError(path, 'is not a supernet training checkpoint', 'pass the supernet.ckpt written by oqat train');
  }
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
