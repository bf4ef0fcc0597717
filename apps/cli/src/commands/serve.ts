import type { ParsedOptions } from '../command';
import type { CliIo } from '../io';
import { openStudio } from '../open-studio';
import { intOption } from '../options';

/**
 * `oqat serve`: the desktop app's renderer and its service API over HTTP on
 * loopback, for a browser (and where no Electron binary can be installed).
 * Runs until Ctrl-C.
 */
export async function serve(o: ParsedOptions, io: CliIo): Promise<number> {
  const port = intOption(o.port, 'port', 4173, 0, 65_535);
  const { serveStudio } = await import('@oqat/studio-server');
  // The page is the desktop app's renderer: its one export is that build.
  const { ensureRendererBuilt } = await import('@oqat/desktop');
  const staticDir = await ensureRendererBuilt();
  const studio = await openStudio(io, o.db);
  const server = await serveStudio(studio, {
    port,
    host: typeof o.host === 'string' ? o.host : '127.0.0.1',
    allowRemote: !!o['allow-remote'],
    staticDir,
  }).catch(async (err: unknown) => {
    await studio.close(); // a port in use is a one-line ListenError; the store is left as it was
    throw err;
  });
  io.stdout.write(`OQAT Studio at ${server.url} (store: ${studio.store.path}); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
  await studio.close();
  return 0;
}
