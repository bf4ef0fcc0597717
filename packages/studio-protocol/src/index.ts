export {
  SERVICE_METHOD_ARITY,
  SERVICE_METHODS,
  isServiceMethod,
  type MethodArgs,
  type MethodResult,
  type ServiceEvent,
  type ServiceMethod,
} from './service-methods';
export { RemoteError, isRemoteErrorData, toRemoteError, type IpcEnvelope, type RemoteErrorData } from './remote-error';
export { checkArguments, dispatch } from './service-dispatch';
export { API_PREFIX, EVENTS_PATH, SSE_RUN_EVENT } from './http-paths';
export { BadRequestError, StudioApiError, UnknownMethodError } from './errors';
