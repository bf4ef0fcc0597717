import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StudioService } from '@oqat/jobs';
import { API_PREFIX, EVENTS_PATH } from '@oqat/studio-protocol';
import { ListenError, MethodNotAllowedError, NonLoopbackHostError } from './errors';
import { handleApiCall } from './api-handler';
import { openEventStream } from './event-stream';
import { guardRequest, isLoopbackHost } from './request-guard';
import { sendError } from './send-json';
import { serveStatic } from './static-files';

export interface ServeStudioOptions {
  /** 0 picks a free port (default 0) */
  port?: number;
  /** default '127.0.0.1' */
  host?: string;
  /** folder of the built renderer (see ensureRendererBuilt) */
  staticDir: string;
  /** allow a non-loopback host; the API has no authentication (default false) */
  allowRemote?: boolean;
  /** largest accepted request body (default 1 MiB) */
  maxBodyBytes?: number;
  /** SSE heartbeat interval (default 15 000 ms) */
  heartbeatMs?: number;
}

export interface StudioServer {
  /** e.g. http://127.0.0.1:4173/ */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** ends the event streams and closes the server */
  close(): Promise<void>;
}

const DEFAULTS = { port: 0, host: '127.0.0.1', allowRemote: false, maxBodyBytes: 1 << 20, heartbeatMs: 15_000 };

/** Serves the renderer and the StudioService API (POST /api/<method>, GET /api/events) over HTTP. */
export async function serveStudio(service: StudioService, options: ServeStudioOptions): Promise<StudioServer> {
  const o = { ...DEFAULTS, ...options };
  const loopback = isLoopbackHost(o.host);
  if (!loopback && !o.allowRemote) throw new NonLoopbackHostError(o.host);
  const streams = new Set<() => void>();
  let port = o.port;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isApi = url.pathname.startsWith(API_PREFIX);
    try {
      if (loopback) guardRequest(req.headers, port, isApi);
      // GET /api/events is the live stream; POST /api/events is the `events` method (a run's stored events).
      if (url.pathname === EVENTS_PATH && req.method === 'GET') {
        const close = openEventStream(service, req, res, url, { heartbeatMs: o.heartbeatMs, retryMs: 2_000 });
        streams.add(close);
        req.on('close', () => streams.delete(close));
        return;
      }
      if (isApi) return await handleApiCall(service, req, res, url.pathname, o.maxBodyBytes);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new MethodNotAllowedError(req.method ?? '?', url.pathname, 'GET');
      }
      await serveStatic(o.staticDir, url.pathname, res, req.method === 'HEAD');
    } catch (err) {
      sendError(res, err);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolveListen, reject) => {
    const fail = (err: unknown) => reject(new ListenError(o.host, o.port, err));
    server.once('error', fail);
    try {
      server.listen(o.port, o.host, () => {
        server.off('error', fail);
        resolveListen();
      });
    } catch (err) {
      fail(err); // a port out of range throws at once
    }
  });
  port = (server.address() as AddressInfo).port;
  const hostInUrl = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${hostInUrl}:${port}/`,
    port,
    server,
    close: async () => {
      for (const close of streams) close();
      streams.clear();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
}
