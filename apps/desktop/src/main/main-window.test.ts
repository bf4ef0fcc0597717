import { describe, expect, it } from 'vitest';
import { appMenuTemplate } from './app-menu';
import type { BrowserWindowLike, BrowserWindowOptions, MenuItemOptions } from './electron-surface';
import { mainWindowOptions, openMainWindow } from './main-window';

describe('main window', () => {
  it('is sandboxed, context-isolated, without Node, with our preload', () => {
    const o = mainWindowOptions('/app/dist/preload/preload.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.cjs', sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true,
    });
  });

  it('denies new windows and navigation away from the renderer page', async () => {
    const calls: { options?: BrowserWindowOptions; loaded?: string; openHandler?: (d: { url: string }) => unknown; navigate?: (e: { preventDefault(): void }, url: string) => void } = {};
    class FakeWindow implements Partial<BrowserWindowLike> {
      constructor(options: BrowserWindowOptions) {
        calls.options = options;
      }
      webContents = {
        setWindowOpenHandler: (h: (d: { url: string }) => unknown) => { calls.openHandler = h; },
        on: (_e: string, l: (e: { preventDefault(): void }, url: string) => void) => { calls.navigate = l; },
      } as unknown as BrowserWindowLike['webContents'];
      once() {}
      async loadFile(path: string) {
        calls.loaded = path;
      }
    }
    await openMainWindow({ BrowserWindow: FakeWindow as never }, { preloadPath: '/p.cjs', indexHtml: '/app/dist/renderer/index.html' });
    expect(calls.loaded).toBe('/app/dist/renderer/index.html');
    expect(calls.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    let prevented = 0;
    const event = { preventDefault: () => { prevented += 1; } };
    calls.navigate!(event, 'file:///app/dist/renderer/index.html#/search');
    expect(prevented).toBe(0);
    calls.navigate!(event, 'https://example.com/');
    expect(prevented).toBe(1);
  });

  it('has menus reaching every screen by keyboard, and a theme toggle', () => {
    const hashes: string[] = [];
    let toggled = 0;
    const template = appMenuTemplate({ navigate: (h) => hashes.push(h), toggleTheme: () => { toggled += 1; } }, 'linux');
    const items = template.flatMap((m) => m.submenu ?? []) as MenuItemOptions[];
    for (const item of items) item.click?.();
    expect(new Set(hashes)).toEqual(new Set(['#/new', '#/export', '#/runs', '#/search', '#/compare']));
    expect(toggled).toBe(1);
    expect(items.filter((i) => i.click).every((i) => i.accelerator)).toBe(true);
  });
});
