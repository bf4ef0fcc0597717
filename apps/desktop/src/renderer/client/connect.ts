import type { OqatBridge } from '../../common/bridge-api';
import { httpTransport } from './http-transport';
import { ipcTransport } from './ipc-transport';
import { type StudioClient, createStudioClient } from './studio-client';

declare global {
  interface Window {
    /** set by the Electron preload; absent in a browser */
    readonly oqat?: OqatBridge;
  }
}

/** The Electron bridge when the preload exposed one, else HTTP against the page's own server. */
export function connectStudio(): StudioClient {
  return createStudioClient(window.oqat ? ipcTransport(window.oqat) : httpTransport());
}
