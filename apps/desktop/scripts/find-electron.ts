import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

/**
 * The Electron binary, or why there is none. `require('electron')` returns
 * the binary's path in Node; it throws when the optional dependency was not
 * installed, and the path may be missing when its download failed.
 */
export function findElectron(): { path: string } | { missing: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path !== 'string') return { missing: "require('electron') did not return a binary path" };
    if (!existsSync(path)) return { missing: `the Electron binary is not at ${path} (its download failed)` };
    return { path };
  } catch (err) {
    return { missing: `require('electron') failed: ${(err as Error).message.split('\n')[0]}` };
  }
}
