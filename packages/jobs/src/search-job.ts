import { join } from 'node:path';
import { initEngine, type BackendRequest } from '@oqat/engine';
import type { DeviceName } from '@oqat/latency';
import type { JobContext } from '@oqat/runs';
import {
  largestSubnet,
  lowerOptionsFor,
  lowerSubnet,
  loadSupernet,
  search,
  subnetCosts,
  subnetEncoder,
  subnetKey,
  type SearchEvent,
  type SearchSpace,
  type SubnetSpec,
} from '@oqat/search';
import { deviceLatencyModels, type LatencyFn } from './device-latency';
import type { RemoteAccuracy } from './queue/remote-accuracy';
import { searchValidation, type SearchValidation } from './search-validation';
import type { ValidationSpec } from './validation-split';

export interface SearchJobInput {
  /** a supernet.ckpt written by a training run */
  checkpoint: string;
  devices: DeviceName[];
  maxLatencyMs?: number;
  generations: number;
  population: number;
  seed: number;
  backend: BackendRequest;
  threads?: number;
  /** the held-out part of the training data the supernet never saw */
  validation: ValidationSpec;
  /** validation images measured per subnet; 0 = the whole split (quick runs use fewer) */
  validationImages: number;
  bnImages: number;
  /** random subnets profiled to fit a measured device's latency predictor */
  cpuSamples: number;
  /** pre-screen candidates with an accuracy predictor */
  accuracyPredictor: boolean;
  /** mutate each elastic layer's bits among the trained widths (mixed precision); absent or false: one width per subnet */
  perLayerBits?: boolean;
  /**
   * redis://HOST:PORT: subnets' accuracies are measured by `oqat worker`s on
   * that queue, a generation's offspring at once, recorded in candidate
   * order (the same front as measuring here); absent: measured here, one at a time
   */
  queue?: string;
  workDir: string;
}

export interface DeviceFront {
  device: DeviceName;
  front: Array<{ spec: SubnetSpec; accuracy: number; latencyMs: number }>;
  best?: { spec: SubnetSpec; accuracy: number; latencyMs: number };
  hypervolumes: number[];
  evaluated: number;
}

export interface SearchJobResult {
  fronts: DeviceFront[];
  bestAccuracy: number;
}

/**
 * Evolutionary search of a trained supernet, one Pareto front per device.
 * Accuracy (top-1, or mIoU for a segmentation checkpoint) is measured once
 * per subnet (BN re-estimated, held-out validation split)
 * and shared by every device's search; latency comes from each device's model.
 */
export async function searchJob(input: SearchJobInput, ctx: JobContext<SearchEvent<SubnetSpec>>): Promise<SearchJobResult> {
  await initEngine({ backend: input.backend, threads: input.threads });
  const loaded = loadSupernet(input.checkpoint);
  const { net, config, trainedBits } = loaded;
  let validation: SearchValidation;
  try {
    validation = await searchValidation(loaded, input);
  } catch (err) {
    net.dispose();
    throw err;
  }
  let remote: RemoteAccuracy | undefined;
  try {
    if (input.queue) {
      // Loaded only for a queue run: BullMQ stays out of local searches.
      const { openRemoteAccuracy } = await import('./queue/remote-accuracy');
      remote = await openRemoteAccuracy({
        url: input.queue, checkpoint: input.checkpoint, validation: input.validation, validationImages: input.validationImages,
        bnImages: input.bnImages, seed: input.seed, heldOut: validation.heldOut, log: (level, message) => ctx.log(level, message),
      });
      ctx.log('info', `measuring subnets on the queue's workers at ${input.queue}`);
    }
    const space = net.space;
    const fixedBits = config.fixedBits;
    const layersCache = new Map<string, ReturnType<typeof lowerSubnet>>();
    const layersOf = (spec: SubnetSpec) => {
      const key = subnetKey(spec);
      let layers = layersCache.get(key);
      if (!layers) layersCache.set(key, (layers = lowerSubnet(space, spec, lowerOptionsFor(config))));
      return layers;
    };
    const bitsNote = `${trainedBits.filter((b) => b < 32).join('/')}${input.perLayerBits ? ' per layer' : ''}`;
    ctx.log('info', `searching ${input.devices.join(', ')} over bits ${bitsNote} for ${validation.metric} (${loaded.task})`);
    const latency = await deviceLatencyModels(input.devices, {
      space,
      fixedBits,
      cacheDir: join(input.workDir, 'predictors'),
      samples: input.cpuSamples,
      seed: input.seed,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p.done, p.total, `profiling ${p.device} latency: ${p.done}/${p.total} subnets`),
      onFitted: (device, m) => ctx.log('info', `${device} latency predictor: ${(m.within10 * 100).toFixed(1)} % within ±10 %, Spearman ${m.spearman.toFixed(3)} on ${m.n} held-out subnets`),
    });
    const accuracyCache = new Map<string, number>();
    const searchBits = trainedBits.filter((b) => b < 32);
    const encoder = subnetEncoder(space, { bits: searchBits, perLayerBits: input.perLayerBits });
    const accuracy = remote ? remote.score : async (spec: SubnetSpec) => validation.score(spec);
    const fronts: DeviceFront[] = [];
    for (const [index, device] of input.devices.entries()) {
      if (ctx.stopRequested()) break;
      fronts.push(await searchDevice(device, index, input, ctx, { encoder, accuracy, accuracyCache, latency, layersOf, space, bits: searchBits, concurrency: remote ? Infinity : 1 }));
    }
    const bestAccuracy = Math.max(0, ...fronts.flatMap((f) => f.front.map((c) => c.accuracy)));
    return { fronts, bestAccuracy };
  } finally {
    await remote?.close();
    validation.dispose();
    net.dispose();
  }
}

interface DeviceSearchParts {
  encoder: ReturnType<typeof subnetEncoder>;
  accuracy: (spec: SubnetSpec) => Promise<number>;
  accuracyCache: Map<string, number>;
  latency: Record<string, LatencyFn>;
  layersOf: (spec: SubnetSpec) => ReturnType<typeof lowerSubnet>;
  space: SearchSpace;
  bits: number[];
  /** accuracy measurements in flight: Infinity for queue workers (a whole generation at once), 1 here */
  concurrency: number;
}

async function searchDevice(
  device: DeviceName,
  index: number,
  input: SearchJobInput,
  ctx: JobContext<SearchEvent<SubnetSpec>>,
  parts: DeviceSearchParts,
): Promise<DeviceFront> {
  const { encoder, accuracy, accuracyCache, latency, layersOf } = parts;
  const metrics: Record<string, (s: SubnetSpec) => number> = {
    macs: (s) => subnetCosts(layersOf(s)).macs,
    bitOps: (s) => subnetCosts(layersOf(s)).bitOps,
    modelBytes: (s) => subnetCosts(layersOf(s)).modelBytes,
    bits: (s) => s.bits,
  };
  for (const other of input.devices) metrics[`latency:${other}`] = (s) => latency[other]!(layersOf(s));
  // The hypervolume's reference point: the largest subnet at the widest searched bits is the slowest.
  const referenceCost = latency[device]!(layersOf({ ...largestSubnet(parts.space), bits: Math.max(...parts.bits) }));
  const events = search<SubnetSpec>({
    seed: input.seed + index,
    encoder,
    accuracy,
    cache: accuracyCache,
    concurrency: parts.concurrency,
    efficiency: { latencyMs: (s) => latency[device]!(layersOf(s)) },
    metrics,
    limits: input.maxLatencyMs ? { latencyMs: input.maxLatencyMs } : undefined,
    hypervolume: { reference: { accuracy: 0, cost: referenceCost * 1.05 } },
    population: input.population,
    generations: input.generations,
    predictor: input.accuracyPredictor ? {} : false,
  });
  const evaluated: Array<{ spec: SubnetSpec; accuracy: number; latencyMs: number; generation: number; metrics: Record<string, number> }> = [];
  let result: DeviceFront = { device, front: [], hypervolumes: [], evaluated: 0 };
  await new Promise<void>((resolve, reject) => {
    const sub = events.subscribe({
      next: (e) => {
        if (e.kind === 'evaluated') {
          const c = e.candidate;
          evaluated.push({ spec: c.candidate, accuracy: c.accuracy, latencyMs: c.objectives.latencyMs!, generation: c.generation, metrics: c.metrics });
          ctx.progress(e.evaluated, e.budget, `${device}: ${e.evaluated}/${e.budget} subnets measured`, e);
        } else if (e.kind === 'generation') {
          ctx.metric(`hypervolume/${device}`, e.hypervolume, e.generation, device);
          ctx.metric(`front/${device}`, e.frontSize, e.generation, device);
          if (e.best) ctx.metric(`best/${device}`, e.best.accuracy, e.generation, device);
        } else if (e.kind === 'predictor') {
          ctx.log('info', `${device}: accuracy predictor Spearman ${e.spearman.toFixed(3)} on ${e.heldOutSamples} held-out subnets`);
        } else if (e.kind === 'finished') {
          const r = e.result;
          const toPoint = (c: (typeof r.front)[number]) => ({ spec: c.candidate, accuracy: c.accuracy, latencyMs: c.objectives.latencyMs! });
          result = { device, front: r.front.map(toPoint), best: r.best && toPoint(r.best), hypervolumes: r.hypervolumes, evaluated: r.evaluated };
        }
      },
      error: reject,
      complete: resolve,
    });
    ctx.signal.addEventListener('abort', () => {
      sub.unsubscribe();
      resolve();
    });
  });
  const onFront = new Set(result.front.map((c) => subnetKey(c.spec)));
  await ctx.candidates(
    evaluated.map((c) => ({
      device,
      spec: c.spec,
      metrics: { accuracy: c.accuracy, latencyMs: c.latencyMs, generation: c.generation, ...c.metrics },
      onFront: onFront.has(subnetKey(c.spec)),
    })),
  );
  return result;
}
