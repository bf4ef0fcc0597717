import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { OqatError } from '@oqat/core';
import { StoreDamagedError, StoreIoError, StoreReadOnlyError, StoreUnreachableError } from '@oqat/runs';
import { errorStatus } from './error-status';
import { ListenError } from './errors';
import { TestStudioService } from './testing/test-studio-service';
import { serveStudio } from './serve-studio';

/** What serveStudio threw, as the one line the CLI prints. */
async function listenFailure(options: { port?: number; host?: string }): Promise<Error> {
  const err = await serveStudio(new TestStudioService(), { staticDir: '.', ...options }).then(
    async (s) => {
      await s.close();
      throw new Error('it listened');
    },
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(ListenError);
  expect(err).toBeInstanceOf(OqatError);
  expect(err.message).not.toContain('\n');
  return err;
}

describe('serveStudio: where it cannot listen', () => {
  it('a port another process holds (EADDRINUSE): one line naming the port and the fix', async () => {
    const other = createServer();
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const { port } = other.address() as AddressInfo;
    try {
      const err = await listenFailure({ port });
      expect(err.message).toBe(
        `serveStudio: cannot listen on 127.0.0.1:${port}: port ${port} is already in use; stop what uses it or pick another with --port (0 picks a free one)`,
      );
      expect((err.cause as { code?: string }).code).toBe('EADDRINUSE');
    } finally {
      await new Promise((done) => other.close(done));
    }
  });

  it('a port out of range: one line', async () => {
    expect((await listenFailure({ port: 99_999 })).message).toMatch(/cannot listen on 127\.0\.0\.1:99999: port 99999 is not a port \(0\.\.65535\)/);
  });
});

describe('the environment\'s store errors over HTTP', () => {
  it('are 503 (the store cannot serve), not 400 or a 500 bug', () => {
    for (const err of [new StoreReadOnlyError('/s', 'x'), new StoreUnreachableError('/s', 'x'), new StoreDamagedError('/s', 'x'), new StoreIoError('/s', 'x')]) {
      expect(errorStatus(err)).toBe(503);
    }
  });
});
