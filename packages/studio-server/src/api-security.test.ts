import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Studio } from '@oqat/jobs';
import { type StudioServer, serveStudio } from './serve-studio';

// The real service over a real SQLite file, served on loopback: what an API caller (a browser page, any local process) can do.
describe('the studio API as an attacker or a careless caller meets it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oqat-api-security-'));
  const outside = mkdtempSync(join(tmpdir(), 'oqat-api-outside-'));
  const staticDir = mkdtempSync(join(tmpdir(), 'oqat-api-static-'));
  let studio: Studio;
  let server: StudioServer;
  let searchRunId: string;

  beforeAll(async () => {
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
    const { createStudioService } = await import('@oqat/jobs');
    studio = await createStudioService({ path: join(dir, 'runs.db') });
    mkdirSync(studio.workDir, { recursive: true });
    server = await serveStudio(studio, { staticDir });
    const run = await studio.store.createRun({ kind: 'search', config: { checkpoint: join(studio.workDir, 'none.ckpt'), backend: 'cpu', bnImages: 10, seed: 1 } });
    searchRunId = run.id;
    await studio.store.addCandidates(run.id, [{ device: 'fpga', spec: {}, metrics: { accuracy: 0.5, latencyMs: 1 } }]);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await studio.close();
  });

  async function call(method: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; name: string; message: string; ms: number }> {
    const t0 = Date.now();
    const res = await fetch(`${server.url}api/${method}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers }, body,
    });
    const json = (await res.json()) as { name?: string; message?: string };
    return { status: res.status, name: json?.name ?? '', message: json?.message ?? '', ms: Date.now() - t0 };
  }

  it('answers nothing to a caller without this launch\'s token, on calls and on the event stream', async () => {
    const runsBefore = (await studio.listRuns()).length;
    for (const auth of [{ authorization: '' }, { authorization: 'Bearer guessed' }]) {
      const res = await call('startRun', JSON.stringify([{ epochs: { first: 1 } }]), auth);
      expect(res.status).toBe(401);
      expect(res.name).toBe('UnauthorizedError');
    }
    expect((await studio.listRuns()).length).toBe(runsBefore);
    expect((await fetch(`${server.url}api/events`)).status).toBe(401);
    const live = await fetch(`${server.url}api/events?token=${server.token}`);
    expect(live.status).toBe(200);
    await live.body?.cancel();
    // The page itself holds no data and loads without it; the URL to open carries the token.
    expect((await fetch(server.url)).status).toBe(200);
    expect(server.appUrl).toBe(`${server.url}?token=${server.token}`);
  });

  it.each([
    ['devices as a string', '[{"kind":"search","devices":"cpu"}]', /devices must be a list of device names/],
    ['a null config', '[null]', /config must be an object of run settings, got null/],
    ['a config that is a list', '[[{"epochs":5}]]', /config must be an object/],
    ['epochs as a number', '[{"epochs":5}]', /epochs must be an object/],
  ])('refuses %s with a 400 and one line (was a 500 or a default training)', async (_what, body, message) => {
    const runsBefore = (await studio.listRuns()).length;
    const res = await call('startRun', body);
    expect(res.status).toBe(400);
    expect(res.name).toBe('JobConfigError');
    expect(res.message).toMatch(message);
    expect(res.message).not.toContain('\n');
    expect((await studio.listRuns()).length).toBe(runsBefore);
  });

  it('refuses /dev/zero and a FIFO at once and keeps answering, and says the same about any path outside', async () => {
    const zero = await call('startRun', JSON.stringify([{ kind: 'search', devices: ['fpga'], checkpointPath: '/dev/zero' }]));
    expect(zero).toMatchObject({ status: 403, name: 'PathNotAllowedError' });
    expect(zero.ms).toBeLessThan(2_000);
    execFileSync('mkfifo', [join(studio.workDir, 'pipe.ckpt')]);
    const [fifo, list] = await Promise.all([
      call('startRun', JSON.stringify([{ kind: 'search', devices: ['fpga'], checkpointPath: 'pipe.ckpt' }])),
      call('listRuns', '[]'),
    ]);
    expect(fifo).toMatchObject({ status: 400, name: 'CallerFileError' });
    expect(fifo.message).toMatch(/not a regular file \(a FIFO\)/);
    expect(list.status).toBe(200);
    writeFileSync(join(outside, 'there.ckpt'), 'x');
    const there = await call('startRun', JSON.stringify([{ kind: 'search', devices: ['fpga'], checkpointPath: join(outside, 'there.ckpt') }]));
    const absent = await call('startRun', JSON.stringify([{ kind: 'search', devices: ['fpga'], checkpointPath: join(outside, 'absent.ckpt') }]));
    expect([there.status, absent.status]).toEqual([403, 403]);
    expect(there.message.replace('there', '?')).toBe(absent.message.replace('absent', '?'));
  });

  it('maps what a caller caused to a 4xx with its message: a bad checkpoint, a run not running here, a missing run', async () => {
    writeFileSync(join(studio.workDir, 'junk.ckpt'), 'not a checkpoint');
    const junk = await call('startRun', JSON.stringify([{ kind: 'search', devices: ['fpga'], checkpointPath: 'junk.ckpt' }]));
    expect(junk).toMatchObject({ status: 400, name: 'CheckpointError' });
    const cancel = await call('cancelRun', JSON.stringify([searchRunId]));
    expect(cancel).toMatchObject({ status: 409, name: 'RunNotCancellableError' });
    expect(cancel.message).toMatch(/not running in this process/);
    expect(await call('getRun', '["nope"]')).toMatchObject({ status: 404, name: 'RunNotFoundError' });
  });

  it('exports only under the work folder\'s exports/ and never over files unless asked', async () => {
    const request = { runId: searchRunId, candidateId: 1, formats: ['packed'] };
    const away = await call('exportCandidate', JSON.stringify([{ ...request, outDir: join(outside, 'x') }]));
    expect(away).toMatchObject({ status: 403, name: 'PathNotAllowedError' });
    const runFolder = await call('exportCandidate', JSON.stringify([{ ...request, outDir: searchRunId }]));
    expect(runFolder.status).toBe(403);
    mkdirSync(join(studio.workDir, 'exports', 'full'), { recursive: true });
    writeFileSync(join(studio.workDir, 'exports', 'full', 'model.onnx'), 'keep');
    const clash = await call('exportCandidate', JSON.stringify([{ ...request, outDir: 'exports/full' }]));
    expect(clash).toMatchObject({ status: 409, name: 'ExportFolderNotEmptyError' });
    expect(readFileSync(join(studio.workDir, 'exports', 'full', 'model.onnx'), 'utf8')).toBe('keep');
    const shape = await call('exportCandidate', JSON.stringify([{ ...request, outDir: 7 }]));
    expect(shape).toMatchObject({ status: 400, name: 'JobConfigError' });
  });

  it('keeps the Host and Origin checks in remote mode, and needs the token there too', async () => {
    const remote = await serveStudio(studio, { staticDir, host: '0.0.0.0', allowRemote: true });
    try {
      const post = (headers: Record<string, string>) => new Promise<number>((done, fail) => {
        const req = request(`http://127.0.0.1:${remote.port}/api/listRuns`, {
          method: 'POST', headers: { 'content-type': 'application/json', ...headers },
        }, (res) => { res.resume(); done(res.statusCode ?? 0); });
        req.on('error', fail);
        req.end('[]');
      });
      const auth = { authorization: `Bearer ${remote.token}` };
      expect(await post(auth)).toBe(200);
      expect(await post({})).toBe(401);
      expect(await post({ ...auth, host: `attacker.example:${remote.port}` })).toBe(403);
      expect(await post({ ...auth, origin: 'http://attacker.example' })).toBe(403);
    } finally {
      await remote.close();
    }
  });
});
