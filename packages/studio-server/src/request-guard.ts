import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ForbiddenOriginError } from './errors';

/** True for 127.0.0.0/8, ::1 and 'localhost'. */
export function isLoopbackHost(host: string): boolean {
  const h = bare(host);
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function bare(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Which names a request's Host (and Origin) may give for this server, besides the loopback ones. */
export interface HostRules {
  port: number;
  /** lower-case host names and addresses (no brackets) */
  names: ReadonlySet<string>;
}

/**
 * The names a server bound to `host` answers to: loopback only for a
 * loopback server; in remote mode also the bound address (for a wildcard
 * such as 0.0.0.0, every address of this machine's interfaces) and the
 * names the operator allowed.
 */
export function hostNames(host: string, allowedHosts: readonly string[] = []): Set<string> {
  const names = new Set(allowedHosts.map(bare));
  if (isLoopbackHost(host)) return names;
  const h = bare(host);
  if (h === '0.0.0.0' || h === '::' || h === '') {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(bare(a.address.replace(/%.*$/, '')));
  } else {
    names.add(h);
  }
  return names;
}

function allowed(hostName: string, rules: HostRules): boolean {
  return isLoopbackHost(hostName) || rules.names.has(bare(hostName));
}

/**
 * Rejects requests this server should never answer, in loopback and remote
 * mode alike: a Host header naming another machine (DNS rebinding) and, for
 * API calls, an Origin that is not this server (another web page posting to
 * it). The token (see auth.ts) is checked after this.
 */
export function guardRequest(headers: { host?: string; origin?: string }, rules: HostRules, checkOrigin: boolean): void {
  const host = headers.host ?? '';
  const hostName = host.replace(/:\d+$/, '');
  const hostPort = /:(\d+)$/.exec(host)?.[1];
  if (!allowed(hostName, rules) || (hostPort !== undefined && Number(hostPort) !== rules.port)) {
    throw new ForbiddenOriginError('Host', host);
  }
  if (!checkOrigin || headers.origin === undefined) return;
  let origin: URL;
  try {
    origin = new URL(headers.origin);
  } catch {
    throw new ForbiddenOriginError('Origin', headers.origin);
  }
  if (origin.protocol !== 'http:' || !allowed(origin.hostname, rules) || Number(origin.port || 80) !== rules.port) {
    throw new ForbiddenOriginError('Origin', headers.origin);
  }
}
