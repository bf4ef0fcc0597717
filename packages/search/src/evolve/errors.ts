import { ExitCode, OqatError } from '@oqat/core';

/*
 * Failures of the evolutionary search. They live here rather than in the
 * package's src/errors.ts only because that file belongs to another part of
 * the package; NoValidSampleError (a capped sampler gave up) is shared and is
 * imported from there.
 */

/** A search config value is out of range or names an unknown objective; names the field and what is allowed. */
export class InvalidSearchConfigError extends OqatError {
  constructor(field: string, problem: string) {
    super(`search config: ${field} ${problem}`);
    this.name = 'InvalidSearchConfigError';
  }
}

/** The search was stopped through its AbortSignal (an unsubscribe); nothing is returned. */
export class SearchAbortedError extends OqatError {
  /** stopped by the user (Ctrl-C, cancel), as the CLI's own interrupt */
  override readonly exitCode = ExitCode.interrupted;
  constructor(where: string) {
    super(`search: aborted during ${where}`);
    this.name = 'SearchAbortedError';
  }
}
