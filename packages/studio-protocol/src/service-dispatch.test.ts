import { describe, expect, it } from 'vitest';
import type { StudioService } from '@oqat/jobs';
import { BadRequestError, UnknownMethodError } from './errors';
import { RemoteError, isRemoteErrorData, toRemoteError } from './remote-error';
import { checkArguments, dispatch } from './service-dispatch';
import { SERVICE_METHODS, isServiceMethod } from './service-methods';

describe('studio service protocol', () => {
  it('lists every request/response method of StudioService, and no event member', () => {
    expect(SERVICE_METHODS).toContain('exportCandidate');
    expect(isServiceMethod('onRunEvent')).toBe(false);
    expect(isServiceMethod('toString')).toBe(false);
  });

  it('checks a body against the method and its arity', () => {
    expect(checkArguments('getRun', ['r1'])).toEqual(['r1']);
    expect(() => checkArguments('dropDatabase', [])).toThrow(UnknownMethodError);
    expect(() => checkArguments('getRun', { runId: 'r1' })).toThrow(BadRequestError);
    expect(() => checkArguments('getRun', ['a', 'b'])).toThrow(/at most 1 argument/);
  });

  it('dispatches a method name to the service call, and nothing else', async () => {
    const service = { getRun: async (id: string) => ({ id }) } as unknown as StudioService;
    await expect(dispatch(service, 'getRun', ['r1'])).resolves.toEqual({ id: 'r1' });
    await expect(dispatch(service, 'constructor', [])).rejects.toThrow(UnknownMethodError);
  });

  it('carries an error across as its name and message', () => {
    const data = toRemoteError(new UnknownMethodError('x', ['getRun']));
    expect(data).toEqual({ name: 'UnknownMethodError', message: expect.stringContaining("unknown method 'x'") });
    expect(isRemoteErrorData(data)).toBe(true);
    expect(new RemoteError(data).name).toBe('UnknownMethodError');
  });
});
