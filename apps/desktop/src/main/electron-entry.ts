/**
 * The Electron main process. Started by scripts/electron-main.mjs (which
 * registers tsx) as `electron apps/desktop/scripts/electron-main.mjs`; the
 * renderer and preload are built first by scripts/start.ts.
 * Runs share the CLI's store: $OQAT_DB, else ./.oqat/runs.db.
 */
import { createRequire } from 'node:module';
import { createStudioService } from '@oqat/jobs';
import { startDesktop } from './start-desktop';
import type { ElectronLike } from './electron-surface';

const rendererDir = process.env.OQAT_RENDERER_DIR;
const preloadPath = process.env.OQAT_PRELOAD_PATH;
if (!rendererDir || !preloadPath) {
  throw new Error('desktop: OQAT_RENDERER_DIR and OQAT_PRELOAD_PATH must be set; start the app with `npm run desktop`');
}
const electron = createRequire(import.meta.url)('electron') as ElectronLike;
const service = await createStudioService({ path: process.env.OQAT_DB || undefined });
await startDesktop({ electron, service, rendererDir, preloadPath, platform: process.platform });
