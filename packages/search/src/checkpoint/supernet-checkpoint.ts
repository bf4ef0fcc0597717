import { OqatError } from '@oqat/core';
import type { SearchSpace } from '@oqat/latency';
import { QUANT_BITS } from '@oqat/quant';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../config/train-config';
import { CheckpointError } from '../errors';
import { FieldReader } from '../json-fields';
import { parseSearchSpace } from '../space/parse-search-space';
import { readCheckpointFile } from './checkpoint-file';
import type { CheckpointFile } from './checkpoint-format';
import { checkNetworkState, loadNetworkState, type HostTensors } from '../supernet/network-state';
import type { ElasticSupernet } from '../supernet/networks/elastic-supernet';

// The supernet checkpoint oqat train writes (train/train-checkpoint.ts): its
// header and how its weights load into a supernet (every kept width's).

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

export const OPTIMIZER_PREFIX = 'optimizer/';
export const widthPrefix = (bits: number): string => `width${bits}/`;
const WIDTH_TENSOR = /^width(\d+)\/(.*)$/;

/** Reads a file that must be a supernet training checkpoint (`bytes`: its contents, when the caller read them). */
export function readSupernetCheckpoint(path: string, bytes?: Uint8Array): CheckpointFile<TrainCheckpointMeta> {
  const file = readCheckpointFile<TrainCheckpointMeta>(path, bytes);
  if (file.meta?.kind !== 'oqat-supernet-training') {
    throw new CheckpointError(path, 'is not a supernet training checkpoint', 'pass the supernet.ckpt written by oqat train');
  }
  checkSupernetMeta(path, file.meta);
  // (a file without keptWidths predates per-width weights: splitCheckpointTensors says so)
  for (const name of file.meta.keptWidths ? file.tensors.keys() : []) {
    const m = WIDTH_TENSOR.exec(name);
    if (m && !file.meta.keptWidths.includes(Number(m[1]))) {
      throw new CheckpointError(path, `holds tensor ${JSON.stringify(name)} of a width its header does not list`, 'the file is damaged; use another checkpoint');
    }
  }
  return file;
}

/**
 * The header fields every reader uses, checked before any is used (a file
 * whose checksum holds can still carry a header nobody wrote): the phases'
 * widths, the position inside them, the kept widths, the space. Fields a
 * checkpoint of an older version lacks stay allowed (storedConfig fills them).
 */
function checkSupernetMeta(path: string, meta: TrainCheckpointMeta): void {
  const fix = 'the file is damaged or was not written by oqat train; use another checkpoint';
  const r = new FieldReader((field, problem) => new CheckpointError(path, `its header's ${field} ${problem}`, fix));
  const config = r.object(meta.config, 'config');
  const phases = r.array(config.phases, 'config.phases', 1);
  phases.forEach((p, i) => r.oneOf(r.object(p, `config.phases[${i}]`).bits, `config.phases[${i}].bits`, QUANT_BITS));
  if (config.task !== undefined) r.oneOf(config.task, 'config.task', ['classification', 'segmentation']);
  if (config.seed !== undefined) r.int(config.seed, 'config.seed', 0, Number.MAX_SAFE_INTEGER);
  if (config.fixedBits !== undefined) r.oneOf(config.fixedBits, 'config.fixedBits', [8, 32]);
  if (config.segmentation !== undefined) r.object(config.segmentation, 'config.segmentation');
  const position = r.object(meta.position, 'position');
  const phaseIndex = r.int(position.phaseIndex, 'position.phaseIndex', 0, phases.length);
  r.int(position.phaseStep, 'position.phaseStep', 0, phaseIndex === phases.length ? 0 : Number.MAX_SAFE_INTEGER);
  r.int(position.globalStep, 'position.globalStep', 0);
  if (meta.keptWidths !== undefined) r.array(meta.keptWidths, 'keptWidths').forEach((b, i) => r.oneOf(b, `keptWidths[${i}]`, QUANT_BITS));
  try {
    parseSearchSpace(meta.space);
  } catch (err) {
    if (!(err instanceof OqatError)) throw err;
    throw new CheckpointError(path, `its header's space is not a search space (${err.message})`, fix);
  }
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
    if (m && !width) throw new CheckpointError(path, `holds tensor ${JSON.stringify(name)} of a width its header does not list`, 'the file is damaged; use another checkpoint');
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

/** How many of the config's phases a run at this position has run or started. */
export function phasesStarted(position: TrainingPosition): number {
  return position.phaseIndex + (position.phaseStep > 0 ? 1 : 0);
}

/**
 * A checkpoint's config with the fields older checkpoints lack at their defaults: task and segmentation (written
 * before segmentation), and data's later fields (folder, skipBadFiles, resizeImages, ...), which mean "as before" when absent.
 */
export function storedConfig(meta: TrainCheckpointMeta): TrainConfig {
  const { task, segmentation, data } = DEFAULT_TRAIN_CONFIG;
  const config: Partial<TrainConfig> = meta.config;
  return { task, segmentation, ...config, data: { ...data, ...config.data } } as TrainConfig;
}
