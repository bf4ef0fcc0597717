import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StudioService } from '@oqat/jobs';
import { API_PREFIX } from '../common/channels';
import { SERVICE_METHOD_ARITY, SERVICE_METHODS, isServiceMethod } from '../common/service-methods';
import { BadRequestError, MethodNotAllowedError, UnknownMethodError } from '../errors';
import { readJsonBody } from './read-json-body';
import { sendError, sendJson } from './send-json';

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

/** Calls `service[method](...args)`; the only place where a method name becomes a call. */
export async function dispatch(service: StudioService, method: string, args: unknown[]): Promise<unknown> {
  if (!isServiceMethod(method)) throw new UnknownMethodError(method, SERVICE_METHODS);
  const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
  return fn.apply(service, args);
}

/** POST /api/<method>: JSON array of arguments in, JSON result (or `{name, message}`) out. */
export async function handleApiCall(
  service: StudioService,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  limitBytes: number,
): Promise<void> {
  const method = decodeURIComponent(path.slice(API_PREFIX.length));
  try {
    if (!isServiceMethod(method)) throw new UnknownMethodError(method, SERVICE_METHODS);
    if (req.method !== 'POST') throw new MethodNotAllowedError(req.method ?? '?', path, 'POST');
    const args = checkArguments(method, await readJsonBody(req, limitBytes));
    const value = await dispatch(service, method, args);
    sendJson(res, 200, value === undefined ? null : value);
  } catch (err) {
    sendError(res, err);
  }
}
