import type { SearchSpace } from '@oqat/latency';
import type { Task, TrainConfig } from '../config/train-config';
import { parseSearchSpace } from '../space/parse-search-space';
import { phaseWidths } from '../supernet/dropbits-layer-quant';
import { quantFactoryFor } from '../supernet/quant-factory';
import { createSupernet, type TaskSupernet } from '../supernet/networks/create-supernet';
import { loadSupernetState, phasesStarted, readSupernetCheckpoint, storedConfig, type TrainingPosition } from './supernet-checkpoint';

/** A loaded supernet: `task` says which network `net` is (narrow on it). */
export type LoadedSupernet = TaskSupernet & {
  config: TrainConfig;
  position: TrainingPosition;
  /** bit widths with trained step sizes (plus 32 if a float phase ran) */
  trainedBits: number[];
};

/**
 * Opens a training checkpoint as the supernet of its task (classification,
 * or segmentation for checkpoints whose config says so), ready for
 * evaluation, search or extraction (the caller initialises the engine
 * first and disposes `net`). Every trained width keeps its own weights:
 * activating a subnet loads those of its bits.
 */
export function loadSupernet(path: string): LoadedSupernet {
  const file = readSupernetCheckpoint(path);
  const config = storedConfig(file.meta);
  const { position } = file.meta;
  const space = parseSearchSpace(file.meta.space);
  const network = createSupernet(config.task, space, { seed: config.seed, fixedBits: config.fixedBits, quant: quantFactoryFor(config) });
  try {
    loadSupernetState(path, file.meta, config, file.tensors, network.net);
  } catch (err) {
    network.net.dispose();
    throw err;
  }
  return { ...network, config, position, trainedBits: trainedBitsOf(config, position) };
}

/**
 * What a supernet checkpoint holds, without building the network: for labelling a run before it starts
 * and for lowering its subnets (the space and the fixed layers' precision).
 * `bytes`: the file's contents when the caller read them itself (asynchronously, size-capped); `path` then only names it.
 */
export function describeSupernetCheckpoint(path: string, bytes?: Uint8Array): { task: Task; trainedBits: number[]; space: SearchSpace; fixedBits: 8 | 32 } {
  const file = readSupernetCheckpoint(path, bytes);
  const config = storedConfig(file.meta);
  return { task: config.task, trainedBits: trainedBitsOf(config, file.meta.position), space: parseSearchSpace(file.meta.space), fixedBits: config.fixedBits ?? 8 };
}

/** Widths of the phases run or started, ascending (32 if a float phase ran; with DropBits, the narrower widths each phase trained too). */
function trainedBitsOf(config: TrainConfig, position: TrainingPosition): number[] {
  const done = config.phases.slice(0, phasesStarted(position));
  return [...new Set(done.flatMap((p) => phaseWidths(config, p.bits)))].sort((a, b) => a - b);
}
