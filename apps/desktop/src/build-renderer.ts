import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RendererBuildError } from './errors';

const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** apps/desktop/src/renderer: the Vite root (index.html lives here). */
const RENDERER_ROOT = join(APP_ROOT, 'src/renderer');
/** packages/studio-protocol/src: bundled into the renderer, so a change there makes the build stale. */
const PROTOCOL_SRC = join(APP_ROOT, '../../packages/studio-protocol/src');
/** apps/desktop/dist/renderer: where the built renderer goes by default. */
const DEFAULT_RENDERER_DIR = join(APP_ROOT, 'dist/renderer');

export interface BuildRendererOptions {
  /** default DEFAULT_RENDERER_DIR */
  outDir?: string;
  /** keep Vite's output quiet (default true) */
  quiet?: boolean;
}

/** Builds the renderer with Vite's JS API (relative base, so Electron can load it from a file). */
export async function buildRenderer(options: BuildRendererOptions = {}): Promise<string> {
  const outDir = resolve(options.outDir ?? DEFAULT_RENDERER_DIR);
  const { build } = await import('vite');
  try {
    await build({
      configFile: false,
      root: RENDERER_ROOT,
      base: './',
      logLevel: options.quiet === false ? 'info' : 'warn',
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        chunkSizeWarningLimit: 1500,
        reportCompressedSize: false,
      },
    });
  } catch (err) {
    throw new RendererBuildError(outDir, (err as Error).message.split('\n')[0] ?? String(err));
  }
  return outDir;
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    newest = Math.max(newest, info.isDirectory() ? newestMtimeMs(path) : info.mtimeMs);
  }
  return newest;
}

/** True when `outDir` has no index.html or a renderer, common or protocol source is newer than it. */
function rendererIsStale(outDir: string = DEFAULT_RENDERER_DIR): boolean {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return true;
  const sources = Math.max(...[RENDERER_ROOT, join(APP_ROOT, 'src/common'), PROTOCOL_SRC].map(newestMtimeMs));
  return sources > statSync(index).mtimeMs;
}

/** Returns a folder holding an up-to-date renderer, building it first when it is missing or stale. */
export async function ensureRendererBuilt(options: BuildRendererOptions = {}): Promise<string> {
  const outDir = resolve(options.outDir ?? DEFAULT_RENDERER_DIR);
  if (rendererIsStale(outDir)) await buildRenderer({ ...options, outDir });
  return outDir;
}
