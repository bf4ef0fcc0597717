import { ExitCode, OqatError } from '@oqat/core';
import type { CliIo } from './io';

/**
 * Prints what ended a command and returns the exit code. An OqatError (from
 * any package) is a problem the user can fix: its one-line message alone and
 * its own exit code. Anything else is a bug: the stack and a request to report it.
 */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof OqatError) {
    io.stderr.write(`oqat: ${err.message}\n`);
    return err.exitCode;
  }
  const stack = err instanceof Error ? err.stack : undefined;
  io.stderr.write(`oqat: internal error: ${stack ?? String(err)}\nThis is a bug; please report it with the command you ran.\n`);
  return ExitCode.internal;
}
