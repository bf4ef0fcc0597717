/**
 * The same flow as e2e.test.ts through Electron (playwright-core's _electron):
 * main process with the real service, sandboxed preload, the built renderer.
 * Skipped, saying why, where the Electron binary is not installed (its
 * download is an optional dependency). Screenshots: test-output/electron/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ElectronApplication, _electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPreload } from '../scripts/build-preload';
import { findElectron } from '../scripts/find-electron';
import { buildRenderer } from '../src/build-renderer';
import { defineStudioFlow } from './studio-flow';
import { StudioPage } from './studio-page';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(APP, 'test-output', 'electron');
const electron = findElectron();
const skipReason = 'missing' in electron ? `Electron binary not available: ${electron.missing}` : undefined;
if (skipReason) console.warn(`[desktop electron] skipped: ${skipReason}; the Chromium test (e2e.test.ts) covers the renderer over HTTP`);

describe.skipIf(skipReason)('studio in Electron', () => {
  let app: ElectronApplication;
  let ui: StudioPage;
  const shots: string[] = [];

  beforeAll(async () => {
    const rendererDir = await buildRenderer({ outDir: join(OUT, 'renderer') });
    const preloadPath = await buildPreload(join(OUT, 'preload'));
    app = await _electron.launch({
      executablePath: (electron as { path: string }).path,
      args: [join(APP, 'scripts/electron-main.mjs'), '--no-sandbox', '--disable-gpu'],
      env: {
        ...process.env,
        OQAT_RENDERER_DIR: rendererDir,
        OQAT_PRELOAD_PATH: preloadPath,
        OQAT_DB: join(mkdtempSync(join(tmpdir(), 'oqat-electron-db-')), 'runs.db'),
      },
    });
    ui = new StudioPage(await app.firstWindow(), OUT);
    await ui.page.waitForLoadState('domcontentloaded');
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    console.info(`[desktop electron] screenshots:\n  ${shots.join('\n  ')}`);
  });

  it('isolates the renderer: window.oqat only, no require, no process', async () => {
    const seen = await ui.page.evaluate(() => {
      const w = globalThis as unknown as Record<string, unknown>;
      return { oqat: typeof w.oqat, require: typeof w.require, process: typeof w.process, keys: Object.keys(w.oqat as object).sort() };
    });
    expect(seen).toEqual({ oqat: 'object', require: 'undefined', process: 'undefined', keys: ['invoke', 'on', 'platform', 'versions'] });
    const webPreferences = await app.evaluate(({ BrowserWindow }) => {
      // Electron 40's typings do not declare it; called as before (this test runs only where an Electron binary is present).
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): { sandbox?: boolean; contextIsolation?: boolean; nodeIntegration?: boolean } | null };
      const prefs = contents.getLastWebPreferences();
      return { sandbox: prefs?.sandbox, contextIsolation: prefs?.contextIsolation, nodeIntegration: prefs?.nodeIntegration };
    });
    expect(webPreferences).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false });
  });

  defineStudioFlow(() => ui, {
    shots,
    runTimeoutMs: 1_200_000,
    train: [
      ['task', 'classification'], ['dataset', 'subset'], ['space', 'fashion-mnist'], ['bitsChain', '4,3'],
      ['epochs.float', 0], ['epochs.first', 1], ['epochs.inherited', 1], ['limitTrainImages', 128], ['batchSize', 128], ['seed', 11], ['devices', []],
    ],
    search: [['devices', ['xavier', 'fpga']], ['generations', 2], ['population', 4]],
  });
});
