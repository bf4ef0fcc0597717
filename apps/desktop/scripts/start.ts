/**
 * `npm run desktop`: builds the renderer (when stale) and the preload, then
 * starts Electron on scripts/electron-main.mjs. Without an Electron binary it
 * says so and points at `npx oqat serve`.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElectronMissingError } from '../src/errors';
import { ensureRendererBuilt } from '../src/build-renderer';
import { buildPreload } from './build-preload';
import { findElectron } from './find-electron';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const electron = findElectron();
if ('missing' in electron) {
  process.stderr.write(`${new ElectronMissingError(electron.missing).message}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('Building the renderer and the preload…\n');
  const rendererDir = await ensureRendererBuilt();
  const preloadPath = await buildPreload();
  const child = spawn(electron.path, [join(APP, 'scripts/electron-main.mjs')], {
    stdio: 'inherit',
    env: { ...process.env, OQAT_RENDERER_DIR: rendererDir, OQAT_PRELOAD_PATH: preloadPath },
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
