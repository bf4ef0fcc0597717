import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeviceRegistry,
  fitDevicePredictor,
  latencyMetrics,
  predictorFromJson,
  type CostModel,
  type LatencyMetrics,
  type LatencySample,
  type RegisteredDevice,
} from '@oqat/latency';

/** Where a studio keeps fitted cpu/cpu-ort predictors (device-latency.ts writes them) and its registered devices. */
export const predictorCacheDir = (workDir: string): string => join(workDir, 'predictors');
export const deviceRegistry = (workDir: string): DeviceRegistry => DeviceRegistry.inWorkDir(workDir);

/**
 * The newest cpu and cpu-ort predictors a search fitted on this machine for
 * a space (any runtime, any number of profiled subnets): prior sources for a
 * new device's predictor. Damaged files are skipped.
 */
export function cachedMeasuredPredictors(workDir: string, spaceName?: string): CostModel[] {
  const dir = predictorCacheDir(workDir);
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && (spaceName === undefined || f.includes(`-${spaceName}-`)))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const out = new Map<string, CostModel>();
  for (const file of files) {
    try {
      const p = predictorFromJson(JSON.parse(readFileSync(file, 'utf8')));
      if ((p.device === 'cpu' || p.device === 'cpu-ort') && !out.has(p.device)) out.set(p.device, p);
    } catch {
      // a damaged cache file is no prior
    }
  }
  return [...out.values()];
}

export interface RegisterDeviceOptions {
  /** the studio's work folder (Studio.workDir; the CLI's is `runs/` beside the run store): the registry is its `devices/` */
  workDir: string;
  /** the device's name in `oqat search --device NAME` */
  name: string;
  /** networks measured on the device (their `device` field is replaced by `name`) */
  samples: readonly LatencySample[];
  /** the search space the samples' subnets came from (its name): recorded, and picks the cached cpu predictors used as prior */
  space?: string;
  /** what measured them ('tfjs-wasm', 'onnxruntime', ...) */
  runtime?: string;
  /** add these samples to the ones the device was registered with before (default false: replace) */
  append?: boolean;
  /** held-out networks of the device for `metrics` (never fitted on) */
  test?: readonly LatencySample[];
}

export interface RegisterDeviceResult {
  device: RegisteredDevice;
  /** the registry file */
  file: string;
  /** on `test`, when given */
  metrics?: LatencyMetrics;
}

/**
 * Fits a device's latency predictor from few measured networks (the
 * few-shot fit on the known devices' prior: the xavier and fpga simulators
 * and this machine's cached cpu/cpu-ort predictors for the space) and
 * registers it under `name`, so `oqat search --device NAME` and tune can
 * price subnets on it. The queue coordinator calls this with its profiling
 * workers' samples; `oqat latency fit --register NAME` with a JSONL file.
 */
export function registerDeviceFromSamples(o: RegisterDeviceOptions): RegisterDeviceResult {
  const registry = deviceRegistry(o.workDir);
  const previous = o.append && registry.has(o.name) ? registry.samples(o.name) : [];
  const samples = [...previous, ...o.samples].map((s) => ({ ...s, device: o.name }));
  const predictor = fitDevicePredictor(o.name, samples, { measured: cachedMeasuredPredictors(o.workDir, o.space) });
  const entry = {
    name: o.name,
    ...(o.runtime ? { runtime: o.runtime } : {}),
    ...(o.space ? { space: o.space } : {}),
    samples: samples.length,
    predictor: predictor.toJSON(),
  };
  const file = registry.register(entry, samples);
  const metrics = o.test?.length ? latencyMetrics(o.test.map((s) => predictor.estimateMs(s.layers)), o.test.map((s) => s.latencyMs)) : undefined;
  return { device: registry.get(o.name), file, ...(metrics ? { metrics } : {}) };
}
