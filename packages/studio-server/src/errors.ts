import { StudioApiError } from '@oqat/studio-protocol';

/** Errors of the HTTP server; each carries the status its client sees. */
export class MethodNotAllowedError extends StudioApiError {
  override readonly status = 405;
  constructor(method: string, path: string, allowed: string) {
    super(`oqat api: ${method} ${path} is not allowed; use ${allowed}`);
  }
}

export class PayloadTooLargeError extends StudioApiError {
  override readonly status = 413;
  constructor(limitBytes: number) {
    super(`oqat api: request body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends StudioApiError {
  override readonly status = 415;
  constructor(received: string | undefined) {
    super(`oqat api: send the argument list as 'content-type: application/json', got '${received ?? 'none'}'`);
  }
}

export class ForbiddenOriginError extends StudioApiError {
  override readonly status = 403;
  constructor(what: string, received: string) {
    super(`oqat api: ${what} '${received}' is not this server; requests must come from the studio page itself`);
  }
}

export class NonLoopbackHostError extends StudioApiError {
  constructor(host: string) {
    super(
      `serveStudio: host '${host}' is not a loopback address; the API can start, delete and export runs, so bind ` +
        `127.0.0.1 (default) or pass allowRemote: true (remote mode: every call needs the launch token, and Host and ` +
        `Origin must name this machine)`,
    );
  }
}

/** The server could not listen where it was asked (port taken, out of range, address not here, no permission). */
export class ListenError extends StudioApiError {
  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as { code?: string } | undefined)?.code ?? '';
    const why: Record<string, string> = {
      EADDRINUSE: `port ${port} is already in use; stop what uses it or pick another with --port (0 picks a free one)`,
      EACCES: `port ${port} needs privileges; pick one above 1023 with --port`,
      EADDRNOTAVAIL: `${host} is not an address of this machine; bind 127.0.0.1 (default)`,
      ENOTFOUND: `host '${host}' does not resolve; bind 127.0.0.1 (default)`,
      ERR_SOCKET_BAD_PORT: `port ${port} is not a port (0..65535)`,
    };
    const first = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0];
    super(`serveStudio: cannot listen on ${host}:${port}: ${why[code] ?? first}`, { cause });
  }
}

export class UnauthorizedError extends StudioApiError {
  override readonly status = 401;
  constructor(problem: string) {
    super(
      `oqat api: ${problem}; open the URL 'oqat serve' printed (it ends in ?token=…), which carries this launch's token`,
    );
  }
}
