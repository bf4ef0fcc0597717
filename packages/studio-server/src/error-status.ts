import { OqatError } from '@oqat/core';
import {
  InvalidRunTransitionError, JobNotResumableError, MigrationFileError, RunActiveError, RunCancelledError, RunNotFoundError,
  RunNotResumableError, StoreBusyError, StoreClosedError, StoreCorruptError, StoreSchemaTooNewError,
} from '@oqat/runs';
import { StudioApiError } from '@oqat/studio-protocol';

/** The run store's errors by class: what the caller asked for is missing or in the wrong state, or the store cannot serve now. */
const RUN_STORE_STATUS: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, number]> = [
  [RunNotFoundError, 404],
  [InvalidRunTransitionError, 409],
  [RunNotResumableError, 409],
  [JobNotResumableError, 409],
  [RunActiveError, 409],
  [RunCancelledError, 409],
  [StoreBusyError, 503],
  [StoreClosedError, 503],
  [StoreCorruptError, 503],
  [StoreSchemaTooNewError, 503],
  [MigrationFileError, 503],
];

/**
 * HTTP status of an error thrown by the API layer or by the service, by type:
 * the API's own errors carry their status; an OqatError (the base of every
 * error a user or the environment can cause) is a 4xx (its class's `status`
 * when it carries one, the run store's by class, else 400) and anything
 * else is a bug: 500.
 */
export function errorStatus(err: unknown): number {
  if (err instanceof StudioApiError) return err.status;
  if (!(err instanceof OqatError)) return 500;
  const own = (err as { status?: unknown }).status;
  if (typeof own === 'number' && Number.isInteger(own) && own >= 400 && own <= 599) return own;
  for (const [type, status] of RUN_STORE_STATUS) if (err instanceof type) return status;
  return 400;
}
