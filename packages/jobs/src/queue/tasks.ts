import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { LayerDesc } from '@oqat/latency';
import type { SubnetSpec } from '@oqat/search';
import type { ValidationSpec } from '../validation-split';

/**
 * What crosses the queue, as JSON. Queue names: 'accuracy' (any worker) and
 * `profile-<device>` (workers started with --device). Types only, plus the
 * checkpoint fingerprint both sides compute the same way.
 */

export const ACCURACY_QUEUE = 'accuracy';
export const profileQueue = (device: string): string => `profile-${device}`;

/** Everything a worker needs to score subnets the way the coordinator's search would, without the subnet. */
export interface AccuracyContext {
  /** the supernet checkpoint, at this path on every worker's host (a shared folder, or the same layout) */
  checkpoint: string;
  /** sha256 of the coordinator's file: a worker whose file differs refuses instead of scoring another network */
  checkpointSha256: string;
  validation: ValidationSpec;
  validationImages: number;
  bnImages: number;
  /** the BN batches' seed (the search's) */
  seed: number;
  /** held-out images (scenes) the coordinator scores on: a worker whose data differs (subset vs full) refuses */
  heldOut: number;
}

export interface AccuracyTask extends AccuracyContext {
  spec: SubnetSpec;
}

export interface AccuracyAnswer {
  score: number;
  /** the worker's name and engine (backend-threads), for the run's log */
  worker: string;
  engine: string;
  ms: number;
}

/** One network to time on a device's worker: the lowered layers and the runtime to run them with. */
export interface ProfileTask {
  layers: LayerDesc[];
  runtime: 'tfjs' | 'onnxruntime';
  seed: number;
}

export interface ProfileAnswer {
  latencyMs: number;
  worker: string;
  engine: string;
}

/** sha256 of a file, streamed (a checkpoint is up to a GiB). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
