import { tf } from '@oqat/engine';
import type { SearchSpace } from '@oqat/latency';
import { DEFAULT_TRAIN_CONFIG, oqatPhases } from '../config/train-config';
import { readNetworkState } from '../supernet/network-state';
import type { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import { trainedWidthsSupernet } from '../supernet/width-weights.fixture';
import { writeCheckpointFile } from './checkpoint-file';
import { widthPrefix, type TrainCheckpointMeta } from './supernet-checkpoint';

// Test fixture (not product code): a supernet checkpoint of several widths without training.

/**
 * Writes a classification supernet checkpoint as the last phase of `chain`
 * (default 4 -> 3 -> 2) leaves it (trainedWidthsSupernet: the earlier widths
 * kept, the last in the plain tensors), on the shipped Fashion-MNIST subset, and returns the
 * supernet that wrote it (the caller disposes it).
 */
export function writeWidthsCheckpoint(path: string, space: SearchSpace, seed: number, chain: readonly number[] = [4, 3, 2]): MobileNetV3Supernet {
  const images = tf.randomNormal([4, space.resolutions[0]!, space.resolutions[0]!, space.inputC], 0, 1, 'float32', seed);
  const net = trainedWidthsSupernet(space, images, seed, chain);
  images.dispose();
  const tensors = readNetworkState(net);
  for (const bits of net.widths.keptWidths()) for (const [name, t] of net.widths.keptState(bits)!) tensors.set(`${widthPrefix(bits)}${name}`, t);
  const config = {
    ...DEFAULT_TRAIN_CONFIG, seed, space, data: { ...DEFAULT_TRAIN_CONFIG.data, source: 'subset' as const },
    phases: oqatPhases(chain, { float: 0, first: 1, inherited: 1 }),
  };
  const position = { phaseIndex: chain.length - 1, phaseStep: 1, globalStep: chain.length };
  const meta: TrainCheckpointMeta = {
    kind: 'oqat-supernet-training', config, space, position, sampler: { seed, stream: 'sandwich', ...position }, keptWidths: net.widths.keptWidths(),
  };
  writeCheckpointFile(path, { meta, tensors });
  return net;
}
