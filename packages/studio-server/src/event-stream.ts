import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunEventDto, StudioService } from '@oqat/jobs';
import { SSE_RUN_EVENT } from '@oqat/studio-protocol';

export interface EventStreamOptions {
  /** comment line sent this often so proxies and browsers keep the stream open */
  heartbeatMs: number;
  /** how long a browser waits before reconnecting */
  retryMs: number;
}

/** Formats one server-sent event carrying a RunEventDto (id = `<runId>:<seq>`). */
export function formatRunEvent(event: RunEventDto): string {
  return `id: ${event.runId}:${event.seq}\nevent: ${SSE_RUN_EVENT}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * GET /api/events: every run event as server-sent events, optionally only
 * one run's (`?runId=`). Returns the function that ends the stream; the
 * stream also ends (and unsubscribes) when the client goes away.
 */
export function openEventStream(
  service: StudioService,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: EventStreamOptions,
): () => void {
  const onlyRun = url.searchParams.get('runId');
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${options.retryMs}\n: connected\n\n`);
  const unsubscribe = service.onRunEvent((event) => {
    if (onlyRun && event.runId !== onlyRun) return;
    res.write(formatRunEvent(event));
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs);
  heartbeat.unref();
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  req.on('close', close);
  res.on('error', close);
  return close;
}
