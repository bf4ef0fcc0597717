import type { StudioService } from '@oqat/jobs';

/**
 * The request/response members of StudioService, i.e. everything but the
 * `onX` event members. Over IPC each one is an `invoke` channel; over HTTP it
 * is `POST /api/<method>` with the JSON argument list as body.
 */
export type ServiceMethod = {
  [K in keyof StudioService]: K extends `on${string}` ? never : K;
}[keyof StudioService];

/**
 * Every method with the largest number of arguments it takes. The `satisfies`
 * clause makes the compiler reject this table when StudioService gains or
 * loses a method, so the two front ends cannot drift from the contract.
 */
export const SERVICE_METHOD_ARITY = {
  listRuns: 0,
  getRun: 1,
  metrics: 1,
  events: 2,
  candidates: 1,
  candidateOverview: 1,
  candidatePoints: 4,
  candidatePage: 3,
  candidate: 2,
  candidateLayout: 2,
  configFields: 0,
  validateConfig: 1,
  startRun: 1,
  cancelRun: 1,
  resumeRun: 1,
  deleteRun: 1,
  exportCandidate: 1,
  startQuantize: 1,
  startCompress: 1,
  finetuneFields: 0,
  startFinetune: 1,
} as const satisfies Record<ServiceMethod, number>;

export const SERVICE_METHODS = Object.keys(SERVICE_METHOD_ARITY) as ServiceMethod[];

export function isServiceMethod(name: string): name is ServiceMethod {
  return Object.prototype.hasOwnProperty.call(SERVICE_METHOD_ARITY, name);
}
