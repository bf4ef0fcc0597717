import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StudioService } from '@oqat/jobs';
import { API_PREFIX, EVENTS_PATH, TOKEN_PARAM } from '@oqat/studio-protocol';
import { ListenError, MethodNotAllowedError, NonLoopbackHostError } from './errors';
import { handleApiCall } from './api-handler';
import { checkToken, newToken } from './auth';
import { openEventStream } from './event-stream';
import { type HostRules, guardRequest, hostNames, isLoopbackHost } from './request-guard';
import { sendError } from './send-json';
import { serveStatic } from './static-files';

export interface ServeStudioOptions {
  /** 0 picks a free port (default 0) */
  port?: number;
  /** default '127.0.0.1' */
  host?: string;
  /** folder of the built renderer (see ensureRendererBuilt) */
  staticDir: string;
  /**
   * allow a non-loopback host (default false). Remote mode keeps every check:
   * each API call needs the launch token, and Host and Origin must name this
   * machine (its interface addresses, or `allowedHosts`)
   */
  allowRemote?: boolean;
  /** in remote mode, host names (e.g. 'studio.lan') a Host or Origin header may give besides this machine's addresses */
  allowedHosts?: readonly string[];
  /** largest accepted request body (default 1 MiB) */
  maxBodyBytes?: number;
  /** SSE heartbeat interval (default 15 000 ms) */
  heartbeatMs?: number;
}

export interface StudioServer {
  /** e.g. http://127.0.0.1:4173/ (the page loads from here; the API needs the token) */
  readonly url: string;
  /** the URL that opens the app: `url` with `?token=` (what `oqat serve` prints) */
  readonly appUrl: string;
  /** this launch's API token (send `authorization: Bearer <token>`) */
  readonly token: string;
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
  const token = newToken();
  const rules: { -readonly [K in keyof HostRules]: HostRules[K] } = { port: o.port, names: hostNames(o.host, o.allowedHosts) };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isApi = url.pathname.startsWith(API_PREFIX);
    try {
      guardRequest(req.headers, rules, isApi);
      // GET /api/events is the live stream; POST /api/events is the `events` method (a run's stored events).
      const stream = url.pathname === EVENTS_PATH && req.method === 'GET';
      // The page and its assets are the same for everyone; the API answers only to this launch's token.
      if (isApi) checkToken(req.headers, url, token, stream);
      if (stream) {
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
  const port = (server.address() as AddressInfo).port;
  rules.port = port;
  const hostInUrl = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${hostInUrl}:${port}/`;
  return {
    url,
    appUrl: `${url}?${TOKEN_PARAM}=${token}`,
    token,
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
