import { chooseFewShotNetworks, fewShotDesignCandidates, type LatencySample, type PriorSource } from '@oqat/latency';
import type { SearchSpace } from '@oqat/search';
import { randomSubnetNetworks } from '../device-latency';
import { TaskQueue } from './task-queue';
import { profileQueue, type ProfileAnswer, type ProfileTask } from './tasks';

export interface RemoteProfileOptions {
  url: string;
  /** the device's name: its workers run `oqat worker --device NAME` */
  device: string;
  space: SearchSpace;
  /** distinct random subnets to measure (few: a small board is slow; the fit is few-shot) */
  samples: number;
  fixedBits: 8 | 32;
  seed: number;
  runtime: ProfileTask['runtime'];
  /**
   * the known devices (defaultPriorSources) that inform which networks to profile: with them, the `samples`
   * networks are chosen by the few-shot design (chooseFewShotNetworks) from fewShotDesignCandidates(samples)
   * random subnets, spanning sizes, precisions and the known devices' behaviour; without, random subnets
   */
  design?: readonly PriorSource[];
  onSample?: (done: number, total: number, sample: LatencySample, worker: string) => void;
  onStalled?: () => void;
}

/** The networks a device's workers profile: random subnets, or the few-shot design's choice among more of them. */
export function networksToProfile(o: RemoteProfileOptions) {
  if (!o.design) return randomSubnetNetworks(o);
  const candidates = randomSubnetNetworks({ ...o, samples: fewShotDesignCandidates(o.samples) });
  return chooseFewShotNetworks(candidates, o.samples, o.design).map((i) => candidates[i]!);
}

/**
 * Random subnets of the space (or the few-shot design's choice, `design`), lowered here and timed by the device's queue
 * workers with the runtime it has (tfjs or onnxruntime), returned in the
 * networks' order: the samples a device's few-shot predictor is fitted on
 * (registerDeviceFromSamples).
 */
export async function profileOnWorkers(o: RemoteProfileOptions): Promise<LatencySample[]> {
  const networks = networksToProfile(o);
  const queue = await TaskQueue.open(o.url, profileQueue(o.device), { onStalled: o.onStalled });
  let done = 0;
  try {
    return await Promise.all(
      networks.map(async (layers, i) => {
        const task: ProfileTask = { layers, runtime: o.runtime, seed: o.seed + i };
        const answer = await queue.submit<ProfileAnswer>('profile', task, { what: `profiling network ${i + 1} of ${networks.length} on ${o.device}` });
        const sample: LatencySample = { layers, latencyMs: answer.latencyMs, device: o.device };
        o.onSample?.(++done, networks.length, sample, answer.worker);
        return sample;
      }),
    );
  } finally {
    await queue.close();
  }
}
