import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRng, derive } from '@oqat/core';
import { engineInfo, tf } from '@oqat/engine';
import {
  createTfjsRuntime,
  deviceInfo,
  fitPredictor,
  predictLatency,
  predictorFromJson,
  profileNetworks,
  simulateNetwork,
  DeviceRegistry,
  DEVICE_REGISTRY_FOLDER,
  isDeviceName,
  type CostModel,
  type DeviceName,
  type LatencyMetrics,
  type LatencySample,
  type LayerDesc,
  type ProfileProgress,
  type SimulatedDevice,
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
  /** registered devices (oqat latency fit --register); default: the `devices` folder beside `cacheDir` (both in the work folder) */
  registryDir?: string;
}

/** The registry of fitted devices next to a predictor cache (`<workDir>/predictors` beside `<workDir>/devices`). */
const registryBeside = (o: Pick<DeviceModelOptions, 'cacheDir' | 'registryDir'>): DeviceRegistry =>
  new DeviceRegistry(o.registryDir ?? join(dirname(o.cacheDir), DEVICE_REGISTRY_FOLDER));

/**
 * One latency function per device. Simulated devices (xavier, fpga) are
 * scored by their simulators directly (microseconds per network); measured
 * devices (cpu, cpu-ort) by a learned predictor fitted on subnets of this very
 * space profiled on this machine, cached so the next search reuses it.
 */
export async function deviceLatencyModels(devices: readonly DeviceName[], o: DeviceModelOptions): Promise<Record<string, LatencyFn>> {
  const out: Record<string, LatencyFn> = {};
  const registry = registryBeside(o);
  for (const device of devices) {
    if (!isDeviceName(device)) {
      // a registered device: its fitted predictor (an unknown name is a one-line error listing the known ones)
      const predictor = registry.predictor(device);
      out[device] = (layers) => predictor.estimateMs(layers as LayerDesc[]);
      continue;
    }
    if (deviceInfo(device).kind !== 'measured') {
      out[device] = (layers) => predictLatency(device, layers);
      continue;
    }
    const predictor = await measuredPredictor(device, o);
    out[device] = (layers) => predictor.estimateMs(layers as LayerDesc[]);
  }
  return out;
}

/** A fitted predictor's cache file: per device, runtime ('wasm-2t', 'ort'), space and number of profiled subnets. */
const predictorFileName = (device: DeviceName, backend: string, space: SearchSpace, samples: number): string => `${device}-${backend}-${space.name}-${samples}.json`;
const MEASURED_BACKEND: Partial<Record<DeviceName, RegExp>> = { cpu: /^[a-z]+-\d+t$/, 'cpu-ort': /^ort$/ };

async function measuredPredictor(device: DeviceName, o: DeviceModelOptions): Promise<CostModel> {
  const backend = device === 'cpu' ? `${engineInfo()?.backend ?? 'wasm'}-${engineInfo()?.threads ?? 1}t` : 'ort';
  const file = join(o.cacheDir, predictorFileName(device, backend, o.space, o.samples));
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

/**
 * Each layer's ms on a device by the model a search priced the network with:
 * the simulator's layers (xavier, fpga), or the `layerMs` of the measured
 * device's predictor that search fitted and cached (the newest for any
 * runtime); undefined when that file is gone. Needs no engine.
 */
export function deviceLayerMs(
  device: DeviceName, layers: readonly LayerDesc[], o: Pick<DeviceModelOptions, 'space' | 'cacheDir' | 'samples' | 'registryDir'>,
): number[] | undefined {
  if (!isDeviceName(device)) {
    try {
      const predictor = registryBeside(o).predictor(device);
      return layers.map((l) => predictor.layerMs(l));
    } catch {
      return undefined; // unregistered since, or damaged: no per-layer view
    }
  }
  if (deviceInfo(device).kind !== 'measured') return simulateNetwork(device as SimulatedDevice, layers).layerLatencyMs;
  const [prefix, suffix] = predictorFileName(device, '\n', o.space, o.samples).split('\n') as [string, string];
  const backendOf = (f: string) => (f.startsWith(prefix) && f.endsWith(suffix) ? f.slice(prefix.length, f.length - suffix.length) : '');
  const fitted = (existsSync(o.cacheDir) ? readdirSync(o.cacheDir) : [])
    .filter((f) => MEASURED_BACKEND[device]!.test(backendOf(f)))
    .map((f) => join(o.cacheDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!fitted.length) return undefined;
  try {
    const predictor = predictorFromJson(JSON.parse(readFileSync(fitted[0]!, 'utf8')));
    return layers.map((l) => predictor.layerMs(l));
  } catch {
    return undefined;
  }
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
 * The networks the profiler measures for a device: distinct random subnets
 * of the space (from the seed and the device's name), lowered as search
 * lowers them. Queue workers on a device profile the same list (remote-profile.ts).
 */
export function randomSubnetNetworks(o: Pick<ProfileSubnetsOptions, 'space' | 'samples' | 'fixedBits' | 'seed'> & { device: string }): LayerDesc[][] {
  const rng = createRng(derive(o.seed, 'latency-samples', o.device));
  const seen = new Set<string>();
  const networks: LayerDesc[][] = [];
  for (let tries = 0; networks.length < o.samples && tries < o.samples * 20; tries++) {
    const spec = sampleSubnet(o.space, rng);
    if (seen.has(subnetKey(spec))) continue;
    seen.add(subnetKey(spec));
    networks.push(lowerSubnet(o.space, spec, { fixedBits: o.fixedBits }));
  }
  return networks;
}

/**
 * The one random-subnet profiler: distinct random subnets of the space,
 * lowered as search lowers them, measured on this machine (cpu: the engine's
 * tfjs backend, which the caller has initialised; cpu-ort: onnxruntime) or
 * simulated (xavier, fpga). The search's measured predictors and
 * `oqat latency profile` both use it.
 */
export async function profileRandomSubnets(o: ProfileSubnetsOptions): Promise<LatencySample[]> {
  const networks = randomSubnetNetworks(o);
  const threads = o.device === 'cpu' ? (engineInfo()?.threads ?? 1) : 1;
  const runtime = o.device === 'cpu' ? createTfjsRuntime(tf as unknown as TfLike, { threads }) : undefined;
  // Process CPU time is latency only for a single-threaded runtime; with more threads, wall clock.
  const timing = threads > 1 ? { clock: 'wall' as const } : undefined;
  return profileNetworks({
    device: o.device, networks, runtime, timing, perLayer: o.perLayer, seed: o.seed,
    onSample: o.onSample, onProgress: o.onProgress, signal: o.signal,
  });
}
