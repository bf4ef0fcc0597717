/**
 * The one object the preload exposes as `window.oqat` (contextBridge). It
 * carries a narrowed IPC surface, not Electron objects: `invoke` for
 * request/response channels and `on` for event channels, both restricted to
 * `oqat:` channels.
 */
export interface OqatBridge {
  /** Invokes an `oqat:` channel; service channels resolve to an IpcEnvelope. */
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  /** Listens to an event channel main sends on; returns the unsubscribe function. */
  on(channel: string, listener: (payload: unknown) => void): () => void;
  /** 'darwin' | 'win32' | 'linux' ... (read-only slice of process) */
  readonly platform: string;
  readonly versions: Readonly<Record<string, string>>;
}
