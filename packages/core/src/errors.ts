/** Process exit codes with a meaning scripts can rely on. */
export const ExitCode = {
  ok: 0,
  /** a bug: printed with its stack and a request to report it */
  internal: 1,
  /** wrong command line: unknown command or option, bad value */
  usage: 2,
  /** a problem the user can fix: bad config, missing file, unavailable backend */
  user: 3,
  /** the run was cancelled (SIGINT) */
  interrupted: 130,
  /** whatever read stdout closed it first (EPIPE: `oqat runs list | head -1`), as a shell reports SIGPIPE */
  outputClosed: 141,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Base of every error a user can cause, in every package: a one-line message
 * naming the thing and the fix, printed alone (no stack) by the CLI, which
 * exits with `exitCode`. Anything that is not an OqatError is a bug.
 * `name` is the concrete class's name, so subclasses need not set it.
 */
export class OqatError extends Error {
  /** Exit code of the `oqat` process when this error ends it. */
  readonly exitCode: ExitCode = ExitCode.user;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad argument to the seeded rng (a seed that is not a safe integer, an empty pick, ...). */
export class InvalidRngArgumentError extends OqatError {
  constructor(operation: string, argument: string, received: unknown, allowed: string) {
    super(`${operation}: ${argument} must be ${allowed}, got ${String(received)}`);
  }
}
