// Public API of @oqat/studio-protocol: StudioService (packages/jobs) as calls by
// name over IPC or HTTP. No Node and no DOM: main, the renderer and
// @oqat/studio-server all load it.
export { SERVICE_METHODS, isServiceMethod, type ServiceMethod } from './service-methods';
export { RemoteError, isRemoteErrorData, toRemoteError, type IpcEnvelope } from './remote-error';
export { checkArguments, dispatch } from './service-dispatch';
export { API_PREFIX, EVENTS_PATH, SSE_RUN_EVENT, TOKEN_PARAM } from './http-paths';
export { BadRequestError, StudioApiError, UnknownMethodError } from './errors';
