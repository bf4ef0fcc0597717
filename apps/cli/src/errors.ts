/** Exit codes with a meaning scripts can rely on. */
export const ExitCode = {
  ok: 0,
  /** a bug: printed with a request to report it */
  internal: 1,
  /** wrong command line: unknown command or option, bad value */
  usage: 2,
  /** a problem the user can fix: bad config, missing file, unavailable backend */
  user: 3,
  /** the run was cancelled (SIGINT) */
  interrupted: 130,
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
