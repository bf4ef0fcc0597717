import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, derive } from '@oqat/core';
import { engineInfo, tf } from '@oqat/engine';
import {
  createTfjsRuntime,
  deviceInfo,
  fitPredictor,
  predictLatency,
  predictorFromJson,
  profileNetworks,
  type CostModel,
  type DeviceName,
  type LatencyMetrics,
  type LatencySample,
  type LayerDesc,
  type ProfileProgress,
  type TfLike,
} from '@oqat/latency';
import { lowerSubnet, sampleSubnet, subnetKey, type SearchSpace } from '@oqat/search';

/** Latency in ms of a lowered network on one device. */
export type LatencyFn = (layers: readonly LayerDesc[]) => number;

export interface DeviceModelOptions {
  space: SearchSpace;
  /** where fitted cpu predictors are kept, one JSON file per device and space */
  cacheDir: string;
  /** random subnets profiled to fit a measured device's predictor */
  samples: number;
  fixedBits: 8 | 32;
  seed: number;
  onProgress?: (p: ProfileProgress) => void;
  onFitted?: (device: DeviceName, metrics: LatencyMetrics) => void;
  signal?: AbortSignal;
}

/**
 * One latency function per device. Simulated devices (xavier, fpga) are
 * scored by their simulators directly (microseconds per network); measured
 * devices (cpu, cpu-ort) by a learned predictor fitted on subnets of this very
 * space profiled on this machine, cached so the next search reuses it.
 */
export async function deviceLatencyModels(devices: readonly DeviceName[], o: DeviceModelOptions): Promise<Record<string, LatencyFn>> {
  const out: Record<string, LatencyFn> = {};
  for (const device of devices) {
    if (deviceInfo(device).kind !== 'measured') {
      out[device] = (layers) => predictLatency(device, layers);
      continue;
    }
    const predictor = await measuredPredictor(device, o);
    out[device] = (layers) => predictor.estimateMs(layers as LayerDesc[]);
  }
  return out;
}

async function measuredPredictor(device: DeviceName, o: DeviceModelOptions): Promise<CostModel> {
  const backend = device === 'cpu' ? `${engineInfo()?.backend ?? 'wasm'}-${engineInfo()?.threads ?? 1}t` : 'ort';
  const file = join(o.cacheDir, `${device}-${backend}-${o.space.name}-${o.samples}.json`);
  if (existsSync(file)) {
    try {
      return predictorFromJson(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      // A damaged cache is refitted below and replaced.
    }
  }
  const samples = await profileRandomSubnets({ ...o, device, perLayer: false });
  const cut = Math.floor(samples.length * 0.8);
  const { predictor, metrics } = fitPredictor({ train: samples.slice(0, cut), test: samples.slice(cut), model: 'learned' });
  o.onFitted?.(device, metrics);
  mkdirSync(o.cacheDir, { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(predictor.toJSON()));
  renameSync(`${file}.tmp`, file);
  return predictor;
}

export interface ProfileSubnetsOptions {
  device: DeviceName;
  space: SearchSpace;
  /** distinct random subnets to profile (fewer when the space holds fewer) */
  samples: number;
  fixedBits: 8 | 32;
  seed: number;
  /** also time each distinct layer (for lookup tables); default true */
  perLayer?: boolean;
  onSample?: (sample: LatencySample, index: number) => void;
  onProgress?: (p: ProfileProgress) => void;
  signal?: AbortSignal;
}

/**
 * The one random-subnet profiler: distinct random subnets of the space,
 * lowered as search lowers them, measured on this machine (cpu: the engine's
 * tfjs backend, which the caller has initialised; cpu-ort: onnxruntime) or
 * simulated (xavier, fpga). The search's measured predictors and
 * `oqat latency profile` both use it.
 */
export async function profileRandomSubnets(o: ProfileSubnetsOptions): Promise<LatencySample[]> {
  const rng = createRng(derive(o.seed, 'latency-samples', o.device));
  const seen = new Set<string>();
  const networks: LayerDesc[][] = [];
  for (let tries = 0; networks.length < o.samples && tries < o.samples * 20; tries++) {
    const spec = sampleSubnet(o.space, rng);
    if (seen.has(subnetKey(spec))) continue;
    seen.add(subnetKey(spec));
    networks.push(lowerSubnet(o.space, spec, { fixedBits: o.fixedBits }));
  }
  const threads = o.device === 'cpu' ? (engineInfo()?.threads ?? 1) : 1;
  const runtime = o.device === 'cpu' ? createTfjsRuntime(tf as unknown as TfLike, { threads }) : undefined;
  // Process CPU time is latency only for a single-threaded runtime; with more threads, wall clock.
  const timing = threads > 1 ? { clock: 'wall' as const } : undefined;
  return profileNetworks({
    device: o.device, networks, runtime, timing, perLayer: o.perLayer, seed: o.seed,
    onSample: o.onSample, onProgress: o.onProgress, signal: o.signal,
  });
}
