import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceRegistryError, PredictorFormatError, SampleFileError, UnknownDeviceError } from '../errors';
import type { LatencySample } from '../ir/layer-desc';
import type { CostModel, PredictorJson } from '../predict/cost-model';
import { predictorFromJson } from '../predict/predictor-json';
import { formatSample, parseSamples } from '../samples/load-samples';
import { DEVICE_NAMES, isDeviceName } from './device-names';

export const DEVICE_FORMAT = 'oqat-device';
export const DEVICE_VERSION = 1;
/** The registry's folder inside a studio's work folder (beside `predictors/`, next to the run store). */
export const DEVICE_REGISTRY_FOLDER = 'devices';

/** One registered device: `<registry>/<name>.json`, its samples beside it in `<name>.samples.jsonl`. */
export interface RegisteredDevice {
  format: typeof DEVICE_FORMAT;
  version: typeof DEVICE_VERSION;
  name: string;
  /** what measured it ('tfjs-wasm', 'onnxruntime', ...), as the profiler reported it */
  runtime?: string;
  /** the search space whose subnets were profiled (the predictor knows that space's layers best) */
  space?: string;
  /** measured networks the predictor was fitted on */
  samples: number;
  /** ISO time of the fit */
  fittedAt: string;
  predictor: PredictorJson;
}

export type DeviceEntry = Omit<RegisteredDevice, 'format' | 'version' | 'fittedAt'> & { fittedAt?: string };

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Why `name` cannot be a registered device's name, or undefined when it can. */
export function deviceNameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return `'${name}' is not a device name: 1-63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit`;
  if (isDeviceName(name)) return `'${name}' is a built-in device (${DEVICE_NAMES.join(', ')}); register under another name`;
  return undefined;
}

/**
 * Fitted device predictors under names (`oqat latency fit --register NAME`,
 * the queue coordinator's profiling workers): a folder of JSON files, one
 * per device, written atomically (temp file + rename). A folder, not a table
 * in the run store: a device is shared across runs and stores (copy one file
 * to another coordinator), the predictor is already JSON, and the run
 * store's schema stays the runs'.
 */
export class DeviceRegistry {
  constructor(readonly dir: string) {}

  /** The registry of a studio work folder (`<workDir>/devices`). */
  static inWorkDir(workDir: string): DeviceRegistry {
    return new DeviceRegistry(join(workDir, DEVICE_REGISTRY_FOLDER));
  }

  /** Registered device names, sorted. */
  names(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json') && NAME.test(f.slice(0, -5)))
      .map((f) => f.slice(0, -5))
      .sort();
  }

  has(name: string): boolean {
    return !deviceNameProblem(name) && existsSync(this.file(name));
  }

  /** Every device a search can price: the built-in ones, then the registered ones. */
  known(): string[] {
    return [...DEVICE_NAMES, ...this.names()];
  }

  /** `name` when it is built in or registered; else UnknownDeviceError listing the known devices. */
  check(name: string): string {
    if (isDeviceName(name) || this.has(name)) return name;
    throw new UnknownDeviceError(name, this.known(), ' (register a device with `oqat latency fit --train SAMPLES.jsonl --register NAME`)');
  }

  get(name: string): RegisteredDevice {
    this.check(name);
    if (isDeviceName(name)) throw new DeviceRegistryError(`'${name}' is built in, not registered`);
    const file = this.file(name);
    let json: RegisteredDevice;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as RegisteredDevice;
    } catch (err) {
      throw new DeviceRegistryError(`${file} is not readable JSON (${(err as Error).message}); register '${name}' again`);
    }
    if (json?.format !== DEVICE_FORMAT || json.version !== DEVICE_VERSION || json.name !== name) {
      throw new DeviceRegistryError(`${file} is not a version-${DEVICE_VERSION} '${DEVICE_FORMAT}' file for '${name}'; register it again`);
    }
    return json;
  }

  /** The registered device's predictor (its `device` is the name). */
  predictor(name: string): CostModel {
    const entry = this.get(name);
    try {
      return predictorFromJson(entry.predictor);
    } catch (err) {
      if (err instanceof PredictorFormatError) throw new DeviceRegistryError(`'${name}': ${err.message}`);
      throw err;
    }
  }

  /** The samples the device was fitted on (empty when none were kept). */
  samples(name: string): LatencySample[] {
    this.check(name);
    const file = this.samplesFile(name);
    if (!existsSync(file)) return [];
    try {
      return parseSamples(readFileSync(file, 'utf8'), file);
    } catch (err) {
      if (err instanceof SampleFileError) throw new DeviceRegistryError(err.message);
      throw err;
    }
  }

  /** Registers (or replaces) a device; keeps its samples when given. Returns the JSON file's path. */
  register(entry: DeviceEntry, samples?: readonly LatencySample[]): string {
    const problem = deviceNameProblem(entry.name);
    if (problem) throw new DeviceRegistryError(problem);
    if (entry.predictor.device !== entry.name) throw new DeviceRegistryError(`the predictor was fitted for '${entry.predictor.device}', not '${entry.name}'`);
    predictorFromJson(entry.predictor); // refuses a malformed predictor before anything is written
    mkdirSync(this.dir, { recursive: true });
    const json: RegisteredDevice = { format: DEVICE_FORMAT, version: DEVICE_VERSION, ...entry, fittedAt: entry.fittedAt ?? new Date().toISOString() };
    if (samples) atomicWrite(this.samplesFile(entry.name), samples.map((s) => `${formatSample({ ...s, device: entry.name })}\n`).join(''));
    const file = this.file(entry.name);
    atomicWrite(file, `${JSON.stringify(json)}\n`);
    return file;
  }

  private file(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  private samplesFile(name: string): string {
    return join(this.dir, `${name}.samples.jsonl`);
  }
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
