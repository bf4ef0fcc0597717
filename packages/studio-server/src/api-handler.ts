import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StudioService } from '@oqat/jobs';
import { API_PREFIX, SERVICE_METHODS, UnknownMethodError, checkArguments, dispatch, isServiceMethod } from '@oqat/studio-protocol';
import { MethodNotAllowedError } from './errors';
import { readJsonBody } from './read-json-body';
import { sendError, sendJson } from './send-json';

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
