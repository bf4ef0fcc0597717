import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OqatBridge } from '../src/common/bridge-api';
import { RUN_EVENT_CHANNEL } from '../src/common/channels';
import { buildPreload } from '../scripts/build-preload';

/**
 * The bundled preload, run the way a sandboxed Electron preload runs: one
 * CommonJS file whose only `require` is 'electron'.
 */
describe('preload bundle', () => {
  let code = '';
  beforeAll(async () => {
    code = readFileSync(await buildPreload(mkdtempSync(join(tmpdir(), 'oqat-preload-'))), 'utf8');
  }, 120_000);

  function load() {
    const exposed = new Map<string, unknown>();
    const invoked: unknown[][] = [];
    const listeners = new Map<string, Set<(e: unknown, p: unknown) => void>>();
    const required: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => { invoked.push(args); return { ok: true, value: 1 }; },
        on: (c: string, l: (e: unknown, p: unknown) => void) => { if (!listeners.has(c)) listeners.set(c, new Set()); listeners.get(c)!.add(l); },
        removeListener: (c: string, l: (e: unknown, p: unknown) => void) => listeners.get(c)?.delete(l),
      },
    };
    const require = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require '${name}'`);
      return electron;
    };
    const process = { platform: 'linux', versions: { node: '22', electron: '40.8.5', chrome: '140' } };
    runInNewContext(code, { require, process, module: { exports: {} }, exports: {} });
    return { exposed, invoked, listeners, required };
  }

  it('requires only electron and exposes exactly one object, window.oqat', () => {
    const { exposed, required } = load();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['oqat']);
    const api = exposed.get('oqat') as OqatBridge;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'platform', 'versions']);
    expect(api.versions.electron).toBe('40.8.5');
  });

  it('lets only oqat: channels through, and listening only on event channels', async () => {
    const { exposed, invoked, listeners } = load();
    const api = exposed.get('oqat') as OqatBridge;
    await api.invoke('oqat:service:listRuns');
    expect(invoked).toEqual([['oqat:service:listRuns']]);
    expect(() => api.invoke('shell:openExternal', 'https://x')).toThrow(/unsupported IPC channel/);
    expect(() => api.on('oqat:service:listRuns', () => undefined)).toThrow(/not an event channel/);
    const got: unknown[] = [];
    const off = api.on(RUN_EVENT_CHANNEL, (p) => got.push(p));
    for (const l of listeners.get(RUN_EVENT_CHANNEL)!) l({ sender: 'hidden' }, { runId: 'r' });
    off();
    expect(got).toEqual([{ runId: 'r' }]);
    expect(listeners.get(RUN_EVENT_CHANNEL)!.size).toBe(0);
  });
});
