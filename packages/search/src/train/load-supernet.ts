import { readCheckpointFile } from '../checkpoint/checkpoint-file';
import { CheckpointError } from '../errors';
import { parseSearchSpace } from '../space/parse-search-space';
import { lsqQuantFactory } from '../supernet/lsq-layer-quant';
import { loadNetworkState, type HostTensors } from '../supernet/network-state';
import { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import type { TrainCheckpointMeta, TrainingPosition } from './train-checkpoint';
import type { TrainConfig } from './train-config';

export interface LoadedSupernet {
  net: MobileNetV3Supernet;
  config: TrainConfig;
  position: TrainingPosition;
  /** bit widths with trained step sizes (plus 32 if a float phase ran) */
  trainedBits: number[];
}

/**
 * Opens a training checkpoint as a supernet ready for evaluation, search or
 * extraction (the caller initialises the engine first and disposes `net`).
 */
export function loadSupernet(path: string): LoadedSupernet {
  const file = readCheckpointFile<TrainCheckpointMeta>(path);
  if (file.meta?.kind !== 'oqat-supernet-training') {
    throw new CheckpointError(path, 'is not a supernet training checkpoint', 'pass the supernet.ckpt written by oqat train');
  }
  const { config, position } = file.meta;
  const space = parseSearchSpace(file.meta.space);
  const net = new MobileNetV3Supernet(space, { seed: config.seed, fixedBits: config.fixedBits, quant: lsqQuantFactory });
  const state: HostTensors = new Map([...file.tensors].filter(([name]) => !name.startsWith('optimizer/')));
  try {
    loadNetworkState(net, state, path);
  } catch (err) {
    net.dispose();
    throw err;
  }
  const done = config.phases.slice(0, position.phaseIndex + (position.phaseStep > 0 ? 1 : 0));
  const trainedBits = [...new Set(done.map((p) => p.bits))].sort((a, b) => a - b);
  return { net, config, position, trainedBits };
}
