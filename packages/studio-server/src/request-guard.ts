import { isIP } from 'node:net';
import { ForbiddenOriginError } from './errors';

/** True for 127.0.0.0/8, ::1 and 'localhost'. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Rejects requests a loopback server should never answer: a Host header
 * naming another machine (DNS rebinding) and, for API calls, an Origin that is
 * not this server (another web page posting to 127.0.0.1).
 */
export function guardRequest(headers: { host?: string; origin?: string }, port: number, checkOrigin: boolean): void {
  const host = headers.host ?? '';
  const hostName = host.replace(/:\d+$/, '');
  const hostPort = /:(\d+)$/.exec(host)?.[1];
  if (!isLoopbackHost(hostName) || (hostPort !== undefined && Number(hostPort) !== port)) {
    throw new ForbiddenOriginError('Host', host);
  }
  if (!checkOrigin || headers.origin === undefined) return;
  let origin: URL;
  try {
    origin = new URL(headers.origin);
  } catch {
    throw new ForbiddenOriginError('Origin', headers.origin);
  }
  if (!isLoopbackHost(origin.hostname) || Number(origin.port || 80) !== port) {
    throw new ForbiddenOriginError('Origin', headers.origin);
  }
}
