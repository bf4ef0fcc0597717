import { StudioApiError } from '@oqat/studio-protocol';

/**
 * HTTP status of an error thrown by the API layer or by the service. Service
 * errors carry no status in the contract, so their class name decides
 * (RunNotFoundError → 404, InvalidRunTransitionError → 409, ...); anything
 * unrecognised is a 500.
 */
const BY_NAME: ReadonlyArray<readonly [RegExp, number]> = [
  [/NotFound/, 404],
  [/Transition|NotResumable|Active|Conflict|AlreadyExists/, 409],
  [/Invalid|Config|Validation|Usage|BadRequest|Unsupported/, 400],
  [/Busy|Unavailable/, 503],
];

export function errorStatus(err: unknown): number {
  if (err instanceof StudioApiError) return err.status;
  const own = (err as { status?: unknown } | null)?.status;
  if (typeof own === 'number' && own >= 400 && own <= 599) return own;
  const name = err instanceof Error ? err.name : '';
  for (const [pattern, status] of BY_NAME) if (pattern.test(name)) return status;
  return 500;
}
