import { QueueUrlError } from '../errors';

// No BullMQ here: the run config checks a --queue URL without loading the queue client.

export interface QueueAddress {
  url: string;
  host: string;
  port: number;
  db: number;
  password?: string;
  username?: string;
}

/** Parses `redis://[user:password@]HOST:PORT[/DB]` (port default 6379), refusing anything else in one line. */
export function parseQueueUrl(url: string): QueueAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueUrlError(url, 'is not a URL');
  }
  if (parsed.protocol !== 'redis:') throw new QueueUrlError(url, `has scheme '${parsed.protocol.replace(/:$/, '')}', not redis`);
  if (!parsed.hostname) throw new QueueUrlError(url, 'names no host');
  const port = parsed.port ? Number(parsed.port) : 6379;
  const dbText = parsed.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(dbText)) throw new QueueUrlError(url, `has path '${parsed.pathname}'; only a database number (/0) may follow the port`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    url, host, port, db: dbText ? Number(dbText) : 0,
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
  };
}
