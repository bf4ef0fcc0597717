import type { ParsedOptions } from '../command';
import type { CliIo } from '../io';
import { openStudio } from '../open-studio';
import { intOption } from '../options';

/**
 * `oqat serve`: the desktop app's renderer and its service API over HTTP on
 * loopback, for a browser (and where no Electron binary can be installed).
 * The API answers to this launch's token only, which the printed URL
 * carries (like Jupyter). Runs until Ctrl-C.
 */
export async function serve(o: ParsedOptions, io: CliIo): Promise<number> {
  const port = intOption(o.port, 'port', 4173, 0, 65_535);
  const { serveStudio } = await import('@oqat/studio-server');
  // The page is the desktop app's renderer: its one export is that build.
  const { ensureRendererBuilt } = await import('@oqat/desktop');
  const staticDir = await ensureRendererBuilt();
  const studio = await openStudio(io, o.db, { serving: true });
  const allowRemote = !!o['allow-remote'];
  const server = await serveStudio(studio, {
    port,
    host: typeof o.host === 'string' ? o.host : '127.0.0.1',
    allowRemote,
    allowedHosts: typeof o['allow-host'] === 'string' ? o['allow-host'].split(',').map((h) => h.trim()).filter(Boolean) : [],
    staticDir,
  }).catch(async (err: unknown) => {
    await studio.close(); // a port in use is a one-line ListenError; the store is left as it was
    throw err;
  });
  io.stdout.write(`OQAT Studio at ${server.appUrl} (store: ${studio.store.path}); Ctrl-C stops\n`);
  if (allowRemote) {
    io.stdout.write(
      'remote mode: whoever has this URL (its token) can start, delete and export runs; plain HTTP sends the token ' +
        'unencrypted, so use it on a network you trust or behind a TLS proxy. Host and Origin must name this machine ' +
        '(or a name given with --allow-host).\n',
    );
  }
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
  await studio.close();
  return 0;
}
