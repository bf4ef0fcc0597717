import { OqatError } from '@oqat/core';

export class BackendUnavailableError extends OqatError {
  constructor(requested: string, tried: ReadonlyArray<{ backend: string; error: string }>) {
    const detail = tried.map((t) => `${t.backend}: ${t.error}`).join('; ');
    super(`initEngine: backend '${requested}' is not available (${detail})`);
    this.name = 'BackendUnavailableError';
  }
}

export class UnknownBackendError extends OqatError {
  constructor(received: string) {
    super(`initEngine: unknown backend '${received}', expected one of auto, tensorflow, wasm, cpu`);
    this.name = 'UnknownBackendError';
  }
}
