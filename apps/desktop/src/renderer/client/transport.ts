import type { RunEventDto } from '@oqat/jobs';
import type { ServiceMethod } from '@oqat/studio-protocol';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

/**
 * How the renderer reaches StudioService: Electron IPC through `window.oqat`
 * or HTTP + server-sent events against `oqat serve`. The client is the same
 * over both.
 */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke(method: ServiceMethod, args: unknown[]): Promise<unknown>;
  /** every run event; returns the unsubscribe function */
  subscribe(listener: (event: RunEventDto) => void): () => void;
  /** live-event connection state (IPC is always live) */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** native folder picker; absent in a browser */
  chooseFolder?: () => Promise<string | undefined>;
}
