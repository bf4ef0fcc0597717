import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { TOKEN_PARAM } from '@oqat/studio-protocol';
import { UnauthorizedError } from './errors';

/** A fresh per-launch token: 32 random bytes, base64url (like Jupyter's). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Every API call carries the token as `authorization: Bearer <token>`; the
 * event stream (EventSource cannot set headers) may carry it as `?token=`.
 * Compared in constant time.
 */
export function checkToken(headers: IncomingHttpHeaders, url: URL, token: string, queryAllowed: boolean): void {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const given = bearer ?? (queryAllowed ? url.searchParams.get(TOKEN_PARAM) ?? undefined : undefined);
  if (given === undefined) throw new UnauthorizedError('this request carries no token');
  if (!timingSafeEqual(digest(given), digest(token))) throw new UnauthorizedError('this request carries a wrong token (the server was restarted?)');
}
