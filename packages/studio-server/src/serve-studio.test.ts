import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewRunConfig, RunEventDto } from '@oqat/jobs';
import { NonLoopbackHostError } from './errors';
import { TestStudioService } from './testing/test-studio-service';
import { type StudioServer, serveStudio } from './serve-studio';

const config: NewRunConfig = {
  kind: 'train', task: 'classification', dataset: 'subset', space: 'fashion-mnist', bitsChain: [4, 3, 2],
  epochs: { float: 0, first: 1, inherited: 1 }, backend: 'cpu', devices: ['cpu'], seed: 7,
};

function staticDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oqat-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>studio</title>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  return dir;
}

let service: TestStudioService;
let studio: StudioServer;

async function call(method: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${studio.url}api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${studio.token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

beforeEach(async () => {
  service = new TestStudioService();
  studio = await serveStudio(service, { staticDir: staticDir() });
});
afterEach(async () => {
  await studio.close();
});

describe('serveStudio API', () => {
  it('listens on loopback and dispatches POST /api/<method> with the argument array', async () => {
    expect(studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(studio.appUrl).toBe(`${studio.url}?token=${studio.token}`);
    expect(studio.token).toMatch(/^[\w-]{43}$/);
    const started = await call('startRun', [config]);
    expect(started.status).toBe(200);
    const { runId } = (await started.json()) as { runId: string };
    const detail = (await (await call('getRun', [runId])).json()) as { id: string; config: NewRunConfig };
    expect(detail.id).toBe(runId);
    expect(detail.config.bitsChain).toEqual([4, 3, 2]);
    expect((await (await call('listRuns', [])).json()) as unknown[]).toHaveLength(1);
    expect(service.calls.map((c) => c.method)).toEqual(['startRun', 'getRun', 'listRuns']);
  });

  it('serves the `events` method on POST /api/events (GET is the live stream)', async () => {
    const { runId } = await service.startRun(config);
    const events = (await (await call('events', [runId, 0])).json()) as Array<{ kind: string }>;
    expect(events.map((e) => e.kind)).toEqual(['queued']);
  });

  it('answers void methods with null and accepts an empty body as no arguments', async () => {
    const { runId } = await service.startRun(config);
    const res = await call('cancelRun', [runId]);
    expect(res.status).toBe(200);
    expect(await res.json()).toBeNull();
    expect(await (await call('configFields', '')).json()).toEqual(await service.configFields());
  });

  it.each([
    ['unknown method', () => call('dropDatabase', []), 404, 'UnknownMethodError', /unknown method 'dropDatabase'/],
    ['invalid JSON', () => call('listRuns', '{nope'), 400, 'BadRequestError', /not valid JSON/],
    ['a body that is not an array', () => call('getRun', { runId: 'x' }), 400, 'BadRequestError', /JSON array/],
    ['too many arguments', () => call('getRun', ['a', 'b']), 400, 'BadRequestError', /at most 1 argument/],
    ['a non-JSON content type', () => call('listRuns', '[]', { 'content-type': 'text/plain' }), 415, 'UnsupportedMediaTypeError', /application\/json/],
    ['a foreign Origin', () => call('listRuns', [], { origin: 'https://evil.example' }), 403, 'ForbiddenOriginError', /evil\.example/],
    ['GET on a method', () => fetch(`${studio.url}api/listRuns`, { headers: { authorization: `Bearer ${studio.token}` } }), 405, 'MethodNotAllowedError', /use POST/],
    ['no token', () => call('listRuns', [], { authorization: '' }), 401, 'UnauthorizedError', /carries no token.*\?token=/],
    ['a wrong token', () => call('listRuns', [], { authorization: 'Bearer nope' }), 401, 'UnauthorizedError', /wrong token/],
    ['the token in the query of a call', () => fetch(`${studio.appUrl.replace('/?', '/api/listRuns?')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }), 401, 'UnauthorizedError', /no token/],
  ])('rejects %s with a JSON error', async (_what, send, status, name, message) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = (await res.json()) as { name: string; message: string };
    expect(body.name).toBe(name);
    expect(body.message).toMatch(message);
  });

  it('maps service errors to statuses by type and keeps their message', async () => {
    const missing = await call('getRun', ['nope']);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ name: 'RunNotFoundError', message: expect.stringContaining("'nope'") });
    service.failNext('listRuns', new Error('disk on fire'));
    const broken = await call('listRuns', []);
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ name: 'Error', message: 'disk on fire' });
  });

  it('accepts its own origin and rejects a Host header that is not loopback (DNS rebinding)', async () => {
    expect((await call('listRuns', [], { origin: studio.url.slice(0, -1) })).status).toBe(200);
    const status = await new Promise<number>((done, fail) => {
      const req = request(`${studio.url}api/listRuns`, {
        method: 'POST', headers: { host: `attacker.example:${studio.port}`, 'content-type': 'application/json', authorization: `Bearer ${studio.token}` },
      }, (res) => { res.resume(); done(res.statusCode ?? 0); });
      req.on('error', fail);
      req.end('[]');
    });
    expect(status).toBe(403);
  });

  it('refuses a non-loopback host unless allowRemote is set', async () => {
    await expect(serveStudio(service, { host: '0.0.0.0', staticDir: '.' })).rejects.toBeInstanceOf(NonLoopbackHostError);
  });
});

describe('serveStudio static files', () => {
  it('serves index.html with a CSP, hashed assets as immutable, and nothing outside the folder', async () => {
    const index = await fetch(studio.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<title>studio</title>');
    const asset = await fetch(`${studio.url}assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${studio.url}..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(`${studio.url}missing.js`)).status).toBe(404);
  });

  it('says how to build the renderer when the folder is empty', async () => {
    const empty = await serveStudio(service, { staticDir: mkdtempSync(join(tmpdir(), 'oqat-empty-')) });
    const res = await fetch(empty.url);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toMatch(/not built/);
    await empty.close();
  });
});

describe('serveStudio events', () => {
  async function readEvents(res: Response, count: number): Promise<RunEventDto[]> {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events: RunEventDto[] = [];
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block);
        if (/^event: run$/m.test(block) && data) events.push(JSON.parse(data[1]!) as RunEventDto);
      }
    }
    await reader.cancel();
    return events;
  }

  it('streams run events as server-sent events and unsubscribes when the client leaves', async () => {
    expect((await fetch(`${studio.url}api/events`)).status).toBe(401);
    const res = await fetch(`${studio.url}api/events?token=${studio.token}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await expect.poll(() => service.listenerCount).toBe(1);
    const event: RunEventDto = { runId: 'r1', seq: 1, at: 5, kind: 'metric', payload: { name: 'loss', value: 1 } };
    service.emit(event);
    service.emit({ ...event, seq: 2, kind: 'finished', payload: {} });
    expect(await readEvents(res, 2)).toEqual([event, { ...event, seq: 2, kind: 'finished', payload: {} }]);
    await expect.poll(() => service.listenerCount).toBe(0);
  });

  it('filters by ?runId= and is ended by close()', async () => {
    const res = await fetch(`${studio.url}api/events?runId=b&token=${studio.token}`);
    await expect.poll(() => service.listenerCount).toBe(1);
    service.emit({ runId: 'a', seq: 1, at: 1, kind: 'log', payload: { message: 'not mine' } });
    service.emit({ runId: 'b', seq: 1, at: 1, kind: 'log', payload: { message: 'mine' } });
    const [only] = await readEvents(res, 1);
    expect(only!.runId).toBe('b');
    const again = await fetch(`${studio.url}api/events`, { headers: { authorization: `Bearer ${studio.token}` } });
    await expect.poll(() => service.listenerCount).toBe(1);
    await studio.close();
    expect(service.listenerCount).toBe(0);
    await again.body?.cancel().catch(() => undefined);
    studio = await serveStudio(service, { staticDir: staticDir() });
  });
});
