import { describe, expect, it } from 'vitest';
import { BadRequestError, UnknownMethodError } from '@oqat/studio-protocol';
import { errorStatus } from './error-status';
import { guardRequest, isLoopbackHost } from './request-guard';

function named(name: string): Error {
  const err = new Error('x');
  err.name = name;
  return err;
}

describe('errorStatus', () => {
  it('uses the API error status, then the service error class name, else 500', () => {
    expect(errorStatus(new UnknownMethodError('x', []))).toBe(404);
    expect(errorStatus(new BadRequestError('x'))).toBe(400);
    expect(errorStatus(named('RunNotFoundError'))).toBe(404);
    expect(errorStatus(named('InvalidRunTransitionError'))).toBe(409);
    expect(errorStatus(named('ConfigValidationError'))).toBe(400);
    expect(errorStatus(named('StoreBusyError'))).toBe(503);
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
    expect(() => guardRequest({ host: '127.0.0.1:80' }, 80, true)).not.toThrow();
    expect(() => guardRequest({ host: 'localhost:80', origin: 'http://localhost' }, 80, true)).not.toThrow();
    expect(() => guardRequest({ host: 'evil.example:80' }, 80, false)).toThrow(/Host 'evil.example:80'/);
    expect(() => guardRequest({ host: '127.0.0.1:81' }, 80, false)).toThrow(/Host/);
    expect(() => guardRequest({ host: '127.0.0.1:80', origin: 'http://127.0.0.1:81' }, 80, true)).toThrow(/Origin/);
    expect(() => guardRequest({ host: '127.0.0.1:80', origin: 'null' }, 80, true)).toThrow(/Origin 'null'/);
    expect(() => guardRequest({ host: '127.0.0.1:80', origin: 'http://evil.example' }, 80, false)).not.toThrow();
  });
});
