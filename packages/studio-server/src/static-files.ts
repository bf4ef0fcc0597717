import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { sendJson } from './send-json';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The same policy as the page's meta tag, also sent as a header. Scripts only
 * from the app itself; inline styles are allowed because ECharts' tooltips
 * carry style attributes (VS Code's workbench CSP makes the same choice).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Resolves a URL path inside `root`; undefined when it would escape it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const file = resolve(join(base, decoded));
  return file === base || file.startsWith(base + sep) ? file : undefined;
}

/** Serves GET/HEAD of the built renderer; `/` is index.html. */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, head: boolean): Promise<void> {
  const file = resolveInside(root, urlPath === '/' ? '/index.html' : urlPath);
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    if (urlPath === '/') {
      sendJson(res, 503, {
        name: 'RendererMissingError',
        message: `the desktop renderer is not built in '${root}'; call ensureRendererBuilt() or run 'npm run desktop:build'`,
      });
      return;
    }
    sendJson(res, 404, { name: 'NotFoundError', message: `no file at ${urlPath}` });
    return;
  }
  const hashed = urlPath.startsWith('/assets/');
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(extname(file) === '.html' ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {}),
  });
  if (head) {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
