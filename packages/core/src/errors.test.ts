import { describe, expect, it } from 'vitest';
import { ExitCode, InvalidRngArgumentError, OqatError } from './errors';

class ExampleError extends OqatError {}

class ExampleUsageError extends OqatError {
  override readonly exitCode = ExitCode.usage;
}

describe('OqatError', () => {
  it('is an Error named after its concrete class, exiting with the user code', () => {
    const e = new ExampleError('thing: fix it');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(OqatError);
    expect(e.name).toBe('ExampleError');
    expect(e.message).toBe('thing: fix it');
    expect(e.exitCode).toBe(ExitCode.user);
  });

  it('lets a subclass choose its exit code and keeps a cause', () => {
    const cause = new Error('low level');
    const e = new ExampleUsageError('bad flag', { cause });
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.cause).toBe(cause);
  });

  it('gives the rng argument error one line naming what was wrong', () => {
    const e = new InvalidRngArgumentError('rng.int', 'maxExclusive', 0, 'a positive integer');
    expect(e).toBeInstanceOf(OqatError);
    expect(e.message).toBe('rng.int: maxExclusive must be a positive integer, got 0');
  });
});
