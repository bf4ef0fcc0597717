import { describe, expect, it } from 'vitest';
import { OqatError } from '@oqat/core';
import { InvalidRunTransitionError, RunNotFoundError, StoreBusyError } from '@oqat/runs';
import { BadRequestError, UnknownMethodError } from '@oqat/studio-protocol';
import { errorStatus } from './error-status';
import { guardRequest, hostNames, isLoopbackHost } from './request-guard';

function named(name: string): Error {
  const err = new Error('x');
  err.name = name;
  return err;
}

class CheckpointError extends OqatError {}
class RunNotCancellableError extends OqatError {
  readonly status = 409;
}

describe('errorStatus', () => {
  it('maps by type: the API status, a status the class carries, the run store by class, any other OqatError 400, anything else 500', () => {
    expect(errorStatus(new UnknownMethodError('x', []))).toBe(404);
    expect(errorStatus(new BadRequestError('x'))).toBe(400);
    expect(errorStatus(new RunNotFoundError('r'))).toBe(404);
    expect(errorStatus(new InvalidRunTransitionError('r', 'finished', 'running', []))).toBe(409);
    expect(errorStatus(new StoreBusyError('runs.db', 30_000))).toBe(503);
    expect(errorStatus(new RunNotCancellableError('x'))).toBe(409);
    expect(errorStatus(new CheckpointError('x.ckpt: is truncated'))).toBe(400);
    // A name is not a type: a bug named like a user error stays a 500.
    expect(errorStatus(named('RunNotFoundError'))).toBe(500);
    expect(errorStatus(named('ConfigValidationError'))).toBe(500);
    expect(errorStatus(new TypeError('x'))).toBe(500);
    expect(errorStatus('a string')).toBe(500);
  });
});

describe('request guard', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.2', 'example.com', '::']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('checks Host always and Origin for API calls', () => {
    const loop = { port: 80, names: hostNames('127.0.0.1') };
    expect(() => guardRequest({ host: '127.0.0.1:80' }, loop, true)).not.toThrow();
    expect(() => guardRequest({ host: 'localhost:80', origin: 'http://localhost' }, loop, true)).not.toThrow();
    expect(() => guardRequest({ host: 'evil.example:80' }, loop, false)).toThrow(/Host 'evil.example:80'/);
    expect(() => guardRequest({ host: '127.0.0.1:81' }, loop, false)).toThrow(/Host/);
    expect(() => guardRequest({ host: '127.0.0.1:80', origin: 'http://127.0.0.1:81' }, loop, true)).toThrow(/Origin/);
    expect(() => guardRequest({ host: '127.0.0.1:80', origin: 'null' }, loop, true)).toThrow(/Origin 'null'/);
    expect(() => guardRequest({ host: '127.0.0.1:80', origin: 'http://evil.example' }, loop, false)).not.toThrow();
  });

  it('keeps the checks in remote mode: this machine\'s addresses and the allowed names only', () => {
    const remote = { port: 80, names: hostNames('192.0.2.7', ['studio.lan']) };
    expect(() => guardRequest({ host: '192.0.2.7:80', origin: 'http://192.0.2.7' }, remote, true)).not.toThrow();
    expect(() => guardRequest({ host: 'studio.lan:80', origin: 'http://studio.lan' }, remote, true)).not.toThrow();
    expect(() => guardRequest({ host: '127.0.0.1:80' }, remote, true)).not.toThrow();
    expect(() => guardRequest({ host: 'attacker.example:80' }, remote, true)).toThrow(/Host/);
    expect(() => guardRequest({ host: '192.0.2.7:80', origin: 'http://attacker.example' }, remote, true)).toThrow(/Origin/);
    expect(() => guardRequest({ host: '192.0.2.7:80', origin: 'https://192.0.2.7:80' }, remote, true)).toThrow(/Origin/);
    expect(hostNames('0.0.0.0').has('127.0.0.1')).toBe(true);
  });
});
