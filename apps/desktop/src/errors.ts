import { OqatError } from '@oqat/core';

/** Errors of apps/desktop; the API's carry the HTTP status a client sees. */
export class DesktopError extends OqatError {
  /** HTTP status when the error reaches an API client. */
  readonly status: number = 500;
}

export class UnknownMethodError extends DesktopError {
  override readonly status = 404;
  constructor(method: string, known: readonly string[]) {
    super(`oqat api: unknown method '${method}'; the methods are ${known.join(', ')}`);
  }
}

export class BadRequestError extends DesktopError {
  override readonly status = 400;
}

export class MethodNotAllowedError extends DesktopError {
  override readonly status = 405;
  constructor(method: string, path: string, allowed: string) {
    super(`oqat api: ${method} ${path} is not allowed; use ${allowed}`);
  }
}

export class PayloadTooLargeError extends DesktopError {
  override readonly status = 413;
  constructor(limitBytes: number) {
    super(`oqat api: request body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends DesktopError {
  override readonly status = 415;
  constructor(received: string | undefined) {
    super(`oqat api: send the argument list as 'content-type: application/json', got '${received ?? 'none'}'`);
  }
}

export class ForbiddenOriginError extends DesktopError {
  override readonly status = 403;
  constructor(what: string, received: string) {
    super(`oqat api: ${what} '${received}' is not this server; requests must come from the studio page itself`);
  }
}

export class NonLoopbackHostError extends DesktopError {
  constructor(host: string) {
    super(
      `serveStudio: host '${host}' is not a loopback address; the API can start and delete runs, so bind ` +
        `127.0.0.1 (default) or pass allowRemote: true behind your own authentication`,
    );
  }
}

export class RendererBuildError extends DesktopError {
  constructor(outDir: string, cause: string) {
    super(`desktop renderer: the Vite build into '${outDir}' failed: ${cause}`);
  }
}

export class ElectronMissingError extends DesktopError {
  constructor(cause: string) {
    super(
      `desktop: the Electron binary is not installed (${cause}); install it with 'npm install' where ` +
        `the Electron download is reachable, or run 'npx oqat serve' and open the printed URL in a browser`,
    );
  }
}
