import { OqatError } from '@oqat/core';

export class BackendUnavailableError extends OqatError {
  constructor(requested: string, tried: ReadonlyArray<{ backend: string; error: string }>) {
    const detail = tried.map((t) => `${t.backend}: ${t.error}`).join('; ');
    super(`initEngine: backend '${requested}' is not available (${detail})`);
    this.name = 'BackendUnavailableError';
  }
}

export class UnknownBackendError extends OqatError {
  /** source: where the name came from when not from the caller (the OQAT_BACKEND variable). */
  constructor(received: string, source?: 'OQAT_BACKEND') {
    const what = source ? `${source}='${received}' is not a backend` : `unknown backend '${received}'`;
    super(`initEngine: ${what}, expected one of auto, tensorflow, wasm, cpu`);
    this.name = 'UnknownBackendError';
  }
}
