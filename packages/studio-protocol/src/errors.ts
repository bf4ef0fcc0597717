import { OqatError } from '@oqat/core';

/**
 * Errors of the studio API (IPC and HTTP), with the HTTP status a client sees.
 * @oqat/core loads in the renderer too (no Node, no tfjs).
 */
export class StudioApiError extends OqatError {
  /** HTTP status when the error reaches an API client. */
  readonly status: number = 500;
}

export class UnknownMethodError extends StudioApiError {
  override readonly status = 404;
  constructor(method: string, known: readonly string[]) {
    super(`oqat api: unknown method '${method}'; the methods are ${known.join(', ')}`);
  }
}

export class BadRequestError extends StudioApiError {
  override readonly status = 400;
}
