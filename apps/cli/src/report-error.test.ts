import { ExitCode, OqatError } from '@oqat/core';
import { ProfileAbortedError, UnknownDeviceError } from '@oqat/latency';
import { RunCancelledError, RunNotFoundError } from '@oqat/runs';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors';
import type { CliIo } from './io';
import { reportError } from './report-error';

function captured(err: unknown): { code: number; stderr: string } {
  let stderr = '';
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, cwd: '/', env: {}, now: () => 0 };
  const code = reportError(err, io);
  return { code, stderr };
}

describe('reportError', () => {
  it("prints a user error's message alone, on one line, with its package's class's exit code", () => {
    for (const err of [new RunNotFoundError('r1'), new UnknownDeviceError('tpu', ['cpu'])]) {
      const r = captured(err);
      expect(r.code).toBe(ExitCode.user);
      expect(r.stderr).toBe(`oqat: ${err.message}\n`);
    }
    const usage = captured(new UsageError("unknown command 'x'"));
    expect(usage).toEqual({ code: ExitCode.usage, stderr: "oqat: unknown command 'x'\n" });
  });

  it('takes the exit code from the error: a cancelled run or an aborted profile is an interrupt', () => {
    for (const err of [new RunCancelledError('r1'), new ProfileAbortedError(2, 5)]) {
      expect(err).toBeInstanceOf(OqatError);
      expect(captured(err)).toEqual({ code: ExitCode.interrupted, stderr: `oqat: ${err.message}\n` });
    }
  });

  it('knows a user error by type, not by name: anything else is a bug, printed with its stack', () => {
    // a class of the same name that does not extend @oqat/core's (the CLI used to match names)
    const Impostor = class OqatError extends Error {};
    const impostor = new Impostor('looks like a user error');
    for (const err of [impostor, new TypeError('x is undefined'), 'a thrown string']) {
      const r = captured(err);
      expect(r.code).toBe(ExitCode.internal);
      expect(r.stderr).toMatch(/^oqat: internal error: /);
      expect(r.stderr).toContain('This is a bug; please report it with the command you ran.');
    }
    expect(captured(impostor).stderr).toContain('report-error.test.ts'); // the stack
  });
});
