import { ExitCode, OqatError } from '@oqat/core';

/** Errors a user can cause in the latency package: one sentence naming the thing and the fix, `name` set per class. */

export class InvalidLayerError extends OqatError {
  constructor(
    readonly index: number,
    readonly field: string,
    detail: string,
    op?: string,
  ) {
    super(`layer ${index}${op ? ` (${op})` : ''}: ${field} ${detail}`);
    this.name = 'InvalidLayerError';
  }
}

export class InvalidNetworkError extends OqatError {
  constructor(detail: string) {
    super(`network: ${detail}`);
    this.name = 'InvalidNetworkError';
  }
}

export class UnknownDeviceError extends OqatError {
  constructor(received: string, allowed: readonly string[], hint = '') {
    super(`unknown latency device '${received}', expected one of ${allowed.join(', ')}${hint}`);
    this.name = 'UnknownDeviceError';
  }
}

export class LatencyKeyMissingError extends OqatError {
  constructor(device: string, key: string) {
    super(`lookup table for device '${device}' has no entry for layer key '${key}'; fit it on samples that contain this layer or use the learned fallback`);
    this.name = 'LatencyKeyMissingError';
  }
}

export class SampleFileError extends OqatError {
  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'SampleFileError';
  }
}

export class NotEnoughSamplesError extends OqatError {
  constructor(what: string, got: number, needed: number) {
    super(`${what}: needs at least ${needed} samples, got ${got}`);
    this.name = 'NotEnoughSamplesError';
  }
}

export class MixedDevicesError extends OqatError {
  constructor(what: string, devices: readonly string[]) {
    super(`${what}: samples come from several devices (${devices.join(', ')}); fit one predictor per device`);
    this.name = 'MixedDevicesError';
  }
}

export class DeviceMismatchError extends OqatError {
  constructor(requested: string, predictorDevice: string) {
    super(`predictLatency: the predictor was fitted on device '${predictorDevice}', not '${requested}'; pass a predictor fitted for '${requested}'`);
    this.name = 'DeviceMismatchError';
  }
}

export class PredictorRequiredError extends OqatError {
  constructor(device: string) {
    super(`predictLatency: device '${device}' is measured, so it needs a predictor fitted on its samples (oqat latency fit ... --out predictor.json)`);
    this.name = 'PredictorRequiredError';
  }
}

export class PredictorFormatError extends OqatError {
  constructor(detail: string) {
    super(`latency predictor JSON: ${detail}; write it with predictor.toJSON() / oqat latency fit --out`);
    this.name = 'PredictorFormatError';
  }
}

export class RuntimeRequiredError extends OqatError {
  constructor(device: string, hint: string) {
    super(`profileNetworks: device '${device}' needs a runtime: ${hint}`);
    this.name = 'RuntimeRequiredError';
  }
}

export class RuntimeUnavailableError extends OqatError {
  constructor(runtime: string, reason: string, fix: string) {
    super(`${runtime} is not available (${reason}); ${fix}`);
    this.name = 'RuntimeUnavailableError';
  }
}

export class UnsupportedLayerError extends OqatError {
  constructor(runtime: string, index: number, detail: string) {
    super(`${runtime}: layer ${index} ${detail}`);
    this.name = 'UnsupportedLayerError';
  }
}

export class ClockThreadsError extends OqatError {
  constructor(runtime: string, threads: number) {
    super(`profileNetworks: runtime '${runtime}' runs ${threads} threads, so CPU time is not latency; use timing.clock 'wall' or a 1-thread runtime (initEngine({ threads: 1 }))`);
    this.name = 'ClockThreadsError';
  }
}

export class ProfileAbortedError extends OqatError {
  /** stopped by the user (Ctrl-C, cancel), as the CLI's own interrupt */
  override readonly exitCode = ExitCode.interrupted;
  constructor(done: number, total: number) {
    super(`profileNetworks: aborted after ${done} of ${total} networks`);
    this.name = 'ProfileAbortedError';
  }
}

export class DeviceRegistryError extends OqatError {
  constructor(detail: string) {
    super(`device registry: ${detail}`);
    this.name = 'DeviceRegistryError';
  }
}
