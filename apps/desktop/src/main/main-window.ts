import { pathToFileURL } from 'node:url';
import type { BrowserWindowLike, BrowserWindowOptions, ElectronLike } from './electron-surface';

/** The window's options: sandboxed renderer, context isolation, no Node, our preload only. */
export function mainWindowOptions(preloadPath: string): BrowserWindowOptions {
  return {
    width: 1360,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'OQAT Studio',
    backgroundColor: '#0e1217',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  };
}

/**
 * Opens the studio window on the built renderer. It may not open other
 * windows or navigate away from the renderer page (hash routes only).
 */
export async function openMainWindow(
  electron: Pick<ElectronLike, 'BrowserWindow'>,
  options: { preloadPath: string; indexHtml: string; hash?: string },
): Promise<BrowserWindowLike> {
  const window = new electron.BrowserWindow(mainWindowOptions(options.preloadPath));
  const page = pathToFileURL(options.indexHtml).href;
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (url.split('#')[0] !== page) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  await window.loadFile(options.indexHtml, options.hash ? { hash: options.hash } : undefined);
  return window;
}
