import { NotEnoughSamplesError } from '../errors';
import type { LatencySample } from '../ir/layer-desc';
import type { CostModel, FlopsModelJson, LearnedModelJson, LutModelJson } from './cost-model';
import { fitFewShot, type FewShotFitOptions } from './fit-fewshot';
import { priorSource, type PriorSource } from './fewshot-model';

/** Fewest measured networks a device predictor is fitted from. */
export const MIN_DEVICE_SAMPLES = 3;

/**
 * The prior sources a new device's predictor builds on: the two simulators
 * (always there), then fitted predictors of measured devices (the cpu and
 * cpu-ort predictors a search fitted on this machine), each under its device
 * name. Few-shot predictors are not sources (their own prior is in them).
 */
export function defaultPriorSources(measured: readonly CostModel[] = []): PriorSource[] {
  const sources: PriorSource[] = [priorSource({ name: 'xavier', simulator: 'xavier' }), priorSource({ name: 'fpga', simulator: 'fpga' })];
  for (const m of measured) {
    if (m.kind === 'fewshot') continue;
    sources.push(priorSource({ name: m.device, predictor: m.toJSON() as FlopsModelJson | LearnedModelJson | LutModelJson }));
  }
  return sources;
}

export interface DevicePredictorOptions {
  /** default: defaultPriorSources(measured) */
  sources: readonly PriorSource[];
  /** fitted predictors of other measured devices, added to the simulators as prior sources */
  measured: readonly CostModel[];
  fewShot: Partial<FewShotFitOptions>;
}

/**
 * The predictor of a device known by a few measured networks (the queue
 * coordinator calls this with its workers' samples; `oqat latency fit
 * --register` with a JSONL file): the few-shot fit on the known devices'
 * prior (predict/fit-fewshot.ts), under the device's name.
 */
export function fitDevicePredictor(name: string, samples: readonly LatencySample[], options: Partial<DevicePredictorOptions> = {}): CostModel {
  if (samples.length < MIN_DEVICE_SAMPLES) throw new NotEnoughSamplesError(`device '${name}' predictor`, samples.length, MIN_DEVICE_SAMPLES);
  const relabelled = samples.map((s) => ({ ...s, device: name }));
  const sources = options.sources ?? defaultPriorSources(options.measured);
  return fitFewShot(relabelled, sources, options.fewShot);
}
