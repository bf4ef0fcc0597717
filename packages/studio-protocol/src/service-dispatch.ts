import type { StudioService } from '@oqat/jobs';
import { SERVICE_METHOD_ARITY, SERVICE_METHODS, isServiceMethod } from './service-methods';
import { BadRequestError, UnknownMethodError } from './errors';

/** Checks a decoded request body against a method's argument count. */
export function checkArguments(method: string, body: unknown): unknown[] {
  if (!isServiceMethod(method)) throw new UnknownMethodError(method, SERVICE_METHODS);
  if (!Array.isArray(body)) {
    throw new BadRequestError(`oqat api: the body of ${method} must be a JSON array of arguments, got ${typeof body}`);
  }
  const max = SERVICE_METHOD_ARITY[method];
  if (body.length > max) {
    throw new BadRequestError(`oqat api: ${method} takes at most ${max} argument(s), got ${body.length}`);
  }
  return body;
}

/** Calls `service[method](...args)`; the only place where a method name becomes a call (HTTP and IPC both use it). */
export async function dispatch(service: StudioService, method: string, args: unknown[]): Promise<unknown> {
  if (!isServiceMethod(method)) throw new UnknownMethodError(method, SERVICE_METHODS);
  const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(service, args);
}

