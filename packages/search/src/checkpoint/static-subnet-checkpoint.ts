import { tf } from '@oqat/engine';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../config/train-config';
import { CheckpointError } from '../errors';
import { StaticMobileNet, type StaticMobileNetConfig } from '../static/static-mobilenet';
import { readCheckpointFile, writeCheckpointFile } from './checkpoint-file';
import type { CheckpointFile } from './checkpoint-format';

// One trained subnet as a file of its own (oqat finetune writes it): the static
// network's config (shapes, frozen quantizer steps, BN statistics as tensors) and
// its weights, in the supernet checkpoint's container (checkpoint-format.ts).

export const STATIC_SUBNET_KIND = 'oqat-static-subnet';

export interface StaticSubnetMeta {
  kind: typeof STATIC_SUBNET_KIND;
  /** the network: its layers, shapes and frozen quantizer steps */
  net: StaticMobileNetConfig;
  /** the training config of the supernet it came from: its dataset and input scaling, to measure it again */
  config: TrainConfig;
  /** how it was made (e.g. a finetune run's method, settings, device and source checkpoint) */
  provenance: Record<string, unknown>;
}

export interface LoadedStaticSubnet {
  net: StaticMobileNet;
  config: TrainConfig;
  provenance: Record<string, unknown>;
}

/** Writes a static classification network with its weights and BN statistics (atomically). */
export function writeStaticSubnet(path: string, net: StaticMobileNet, config: TrainConfig, provenance: Record<string, unknown>): void {
  const tensors: CheckpointFile<StaticSubnetMeta>['tensors'] = new Map();
  for (const [name, t] of net.weights()) tensors.set(name, { shape: [...t.shape], values: Float32Array.from(t.dataSync()) });
  writeCheckpointFile<StaticSubnetMeta>(path, { meta: { kind: STATIC_SUBNET_KIND, net: net.toConfig(), config, provenance }, tensors });
}

/** Whether a checkpoint file holds one static subnet (else: a supernet training checkpoint, or a problem its reader reports). */
export function isStaticSubnetFile(path: string, bytes?: Uint8Array): boolean {
  return readCheckpointFile<{ kind?: unknown }>(path, bytes).meta?.kind === STATIC_SUBNET_KIND;
}

/**
 * Reads a file writeStaticSubnet wrote as the network it holds (the caller
 * initialises the engine first and disposes `net`). Every tensor the network
 * needs must be in the file: a missing one is refused, not initialised afresh.
 */
export function loadStaticSubnet(path: string, bytes?: Uint8Array): LoadedStaticSubnet {
  const file = readCheckpointFile<StaticSubnetMeta>(path, bytes);
  const fix = 'pass a subnet file written by oqat finetune';
  if (file.meta?.kind !== STATIC_SUBNET_KIND) throw new CheckpointError(path, 'is not a static subnet file', fix);
  const { net: netConfig, config, provenance } = file.meta;
  if (netConfig?.type !== 'mobilenet-v3') throw new CheckpointError(path, `holds a network of type ${JSON.stringify(netConfig?.type)}, not a classification network`, fix);
  const weights = new Map([...file.tensors].map(([name, t]) => [name, tf.tensor(t.values, t.shape)] as const));
  let net: StaticMobileNet;
  try {
    net = new StaticMobileNet(netConfig, weights);
  } catch (err) {
    for (const t of weights.values()) t.dispose();
    throw new CheckpointError(path, `does not build its network (${(err as Error).message})`, fix);
  }
  // a tensor the file lacks was initialised afresh by the layer: refused
  const built = net.weights();
  const missing = [...built].find(([name, t]) => weights.get(name) !== t);
  if (missing) {
    net.dispose();
    throw new CheckpointError(path, `has no tensor ${missing[0]}`, fix);
  }
  // tensors the network did not take (none in a file this module wrote) are dropped
  for (const [name, t] of weights) if (built.get(name) !== t) t.dispose();
  // data's fields a later version adds take their defaults
  return { net, config: { ...config, data: { ...DEFAULT_TRAIN_CONFIG.data, ...config.data } }, provenance: provenance ?? {} };
}
