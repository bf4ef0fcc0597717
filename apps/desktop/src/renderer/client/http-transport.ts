import type { RunEventDto } from '@oqat/jobs';
import { API_PREFIX, EVENTS_PATH, RemoteError, SSE_RUN_EVENT, TOKEN_PARAM, isRemoteErrorData, type ServiceMethod } from '@oqat/studio-protocol';
import type { ConnectionState, Transport } from './transport';

/** The launch token `oqat serve` put in the page's URL (`?token=`), kept for this tab so a reload without it still works. */
export function pageToken(): string {
  const fromUrl = new URLSearchParams(location.search).get(TOKEN_PARAM);
  try {
    if (fromUrl) sessionStorage.setItem('oqat-token', fromUrl);
    return fromUrl ?? sessionStorage.getItem('oqat-token') ?? '';
  } catch {
    return fromUrl ?? '';
  }
}

/**
 * POST /api/<method> for calls, one shared EventSource on /api/events for
 * live events; both carry the launch token (a Bearer header on calls, the
 * query on the stream, which EventSource cannot give headers).
 */
export function httpTransport(baseUrl: string = new URL('.', document.baseURI).href, token: string = pageToken()): Transport {
  const listeners = new Set<(event: RunEventDto) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let source: EventSource | undefined;
  let state: ConnectionState = 'connecting';

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const l of connectionListeners) l(next);
  };

  const open = (): void => {
    const url = new URL(EVENTS_PATH.slice(1), baseUrl);
    url.searchParams.set(TOKEN_PARAM, token);
    source = new EventSource(url);
    source.addEventListener('open', () => setState('live'));
    source.addEventListener('error', () => setState('reconnecting'));
    source.addEventListener(SSE_RUN_EVENT, (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as RunEventDto;
      for (const l of [...listeners]) l(event);
    });
  };

  return {
    kind: 'http',
    async invoke(method: ServiceMethod, args: unknown[]) {
      let res: Response;
      try {
        res = await fetch(new URL(`${API_PREFIX.slice(1)}${method}`, baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(args),
        });
      } catch (err) {
        throw new RemoteError({ name: 'ConnectionError', message: `cannot reach the studio server: ${(err as Error).message}` });
      }
      const text = await res.text();
      const body: unknown = text ? JSON.parse(text) : null;
      if (!res.ok) {
        throw new RemoteError(isRemoteErrorData(body) ? body : { name: 'HttpError', message: `${method}: HTTP ${res.status}` });
      }
      return body;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!source) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = undefined;
          setState('connecting');
        }
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
