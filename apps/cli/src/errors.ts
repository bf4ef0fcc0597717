import { ExitCode, OqatError } from '@oqat/core';

/** A wrong command line: unknown command or option, bad value. */
export class UsageError extends OqatError {
  override readonly exitCode = ExitCode.usage;
}
