import type { ServerResponse } from 'node:http';
import { toRemoteError } from '@oqat/studio-protocol';
import { errorStatus } from './error-status';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Sends `{name, message}` with the error's status (4xx for what a caller can fix, 5xx otherwise). */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, errorStatus(err), toRemoteError(err));
}
