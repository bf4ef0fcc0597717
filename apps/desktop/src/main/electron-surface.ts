/**
 * The part of Electron's main-process API this app uses, as plain types.
 * The `electron` package is an optional dependency (its binary download can
 * fail), so the code here is typed against this surface and receives the
 * real module from `electron-entry.ts`; tests hand in small fakes.
 */
export interface WebFrameLike {
  readonly url: string;
  readonly parent: WebFrameLike | null;
}

export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: WebFrameLike;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): void;
}

export interface IpcMainInvokeEventLike {
  readonly sender: WebContentsLike;
  /** null once the frame navigated away or was destroyed */
  readonly senderFrame: WebFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface BrowserWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    sandbox: true;
    contextIsolation: true;
    nodeIntegration: false;
    webSecurity: true;
    spellcheck: boolean;
  };
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadFile(path: string, options?: { hash?: string }): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  show(): void;
  isDestroyed(): boolean;
}

export interface MenuItemOptions {
  label?: string;
  role?: string;
  type?: 'separator' | 'normal' | 'submenu';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemOptions[];
}

export interface ElectronLike {
  app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'activate' | 'before-quit', listener: () => void): void;
    quit(): void;
    getName(): string;
  };
  BrowserWindow: {
    new (options: BrowserWindowOptions): BrowserWindowLike;
    getAllWindows(): BrowserWindowLike[];
    fromWebContents(webContents: WebContentsLike): BrowserWindowLike | null;
  };
  ipcMain: IpcMainLike;
  dialog: {
    showOpenDialog(window: BrowserWindowLike | undefined, options: { title: string; buttonLabel: string; properties: string[] }):
      Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  Menu: {
    buildFromTemplate(template: MenuItemOptions[]): unknown;
    setApplicationMenu(menu: unknown): void;
  };
  session: {
    defaultSession: {
      setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
    };
  };
}
