/**
 * Sandboxed preload: exposes one object, `window.oqat`, with a narrowed IPC
 * surface. Every channel must start with `oqat:`; listening is limited to the
 * channels main sends on. No Electron or Node object crosses the bridge.
 * Bundled to CommonJS by scripts/build-preload.ts (sandboxed preloads cannot
 * load ES modules or other files).
 */
import type { OqatBridge } from '../common/bridge-api';
import { EVENT_CHANNELS, isOqatChannel } from '../common/channels';

interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  };
}

const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

function checkChannel(channel: unknown): asserts channel is string {
  if (!isOqatChannel(channel)) throw new Error(`oqat preload: unsupported IPC channel '${String(channel)}'`);
}

const api: OqatBridge = {
  invoke(channel, ...args) {
    checkChannel(channel);
    return ipcRenderer.invoke(channel, ...args);
  },
  on(channel, listener) {
    checkChannel(channel);
    if (!(EVENT_CHANNELS as readonly string[]).includes(channel)) {
      throw new Error(`oqat preload: '${channel}' is not an event channel`);
    }
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
  platform: process.platform,
  versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
};

contextBridge.exposeInMainWorld('oqat', api);
