import { OqatError } from '@oqat/core';

/** Errors of apps/desktop's own start-up (the API's errors live in @oqat/studio-protocol and @oqat/studio-server). */
export class RendererBuildError extends OqatError {
  constructor(outDir: string, cause: string) {
    super(`desktop renderer: the Vite build into '${outDir}' failed: ${cause}`);
  }
}

export class ElectronMissingError extends OqatError {
  constructor(cause: string) {
    super(
      `desktop: the Electron binary is not installed (${cause}); install it with 'npm install' where ` +
        `the Electron download is reachable, or run 'npx oqat serve' and open the printed URL in a browser`,
    );
  }
}
