export { tf } from './tf';
export type * from './tf';
export { initEngine, engineInfo } from './init-engine';
export { BACKEND_REQUESTS } from './backend/select-backend';
export type { BackendRequest, EngineInfo, EngineOptions } from './backend/select-backend';
export { OqatError, BackendUnavailableError, UnknownBackendError } from './errors';
