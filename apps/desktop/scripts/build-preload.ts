import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_PRELOAD_DIR = join(APP, 'dist/preload');

/**
 * Bundles src/preload/preload.ts into one CommonJS file: a sandboxed
 * preload can `require('electron')` and nothing else, so the common/
 * constants it uses are inlined. Returns the file's path.
 */
export async function buildPreload(outDir: string = DEFAULT_PRELOAD_DIR): Promise<string> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'chrome130',
      lib: { entry: join(APP, 'src/preload/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
      rollupOptions: { external: ['electron'] },
    },
  });
  return join(outDir, 'preload.cjs');
}
