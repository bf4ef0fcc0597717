import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StudioService } from '@oqat/jobs';
import { NAVIGATE_CHANNEL, TOGGLE_THEME_CHANNEL } from '../common/channels';
import { appMenuTemplate } from './app-menu';
import { registerChooseFolder } from './choose-folder';
import type { ElectronLike, IpcMainInvokeEventLike } from './electron-surface';
import { forwardRunEvents } from './forward-run-events';
import { openMainWindow } from './main-window';
import { registerServiceIpc } from './register-service-ipc';
import { isTrustedSender } from './trusted-sender';

export interface StartDesktopOptions {
  electron: ElectronLike;
  /** the service runs and searches execute in (main process side) */
  service: StudioService & { close?: () => Promise<void>; allowFolder?: (dir: string) => void };
  /** folder of the built renderer (index.html) */
  rendererDir: string;
  /** the bundled preload script (CommonJS, sandbox-compatible) */
  preloadPath: string;
  platform: string;
}

/** Wires the main process: IPC with sender checks, live events, menus, dialogs, windows, and a clean quit. */
export async function startDesktop(o: StartDesktopOptions): Promise<void> {
  const { electron, service } = o;
  const indexHtml = join(o.rendererDir, 'index.html');
  const trusted = (event: IpcMainInvokeEventLike) => isTrustedSender(event, pathToFileURL(indexHtml).href);
  await electron.app.whenReady();
  electron.session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const disposers = [
    registerServiceIpc(electron.ipcMain, service, trusted),
    registerChooseFolder(electron, trusted, (dir) => service.allowFolder?.(dir)),
    forwardRunEvents(service, () => electron.BrowserWindow.getAllWindows().filter((w) => !w.isDestroyed()).map((w) => w.webContents)),
  ];
  const toFocused = (channel: string, payload?: unknown) => {
    for (const w of electron.BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.send(channel, payload);
  };
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(appMenuTemplate({
    navigate: (hash) => toFocused(NAVIGATE_CHANNEL, hash),
    toggleTheme: () => toFocused(TOGGLE_THEME_CHANNEL),
  }, o.platform)));

  const open = () => openMainWindow(electron, { preloadPath: o.preloadPath, indexHtml });
  await open();
  electron.app.on('activate', () => {
    if (electron.BrowserWindow.getAllWindows().length === 0) void open();
  });
  electron.app.on('window-all-closed', () => {
    if (o.platform !== 'darwin') electron.app.quit();
  });
  electron.app.on('before-quit', () => {
    for (const dispose of disposers) dispose();
    void service.close?.();
  });
}
