import { describe, expect, it } from 'vitest';
import type { NewRunConfig } from '@oqat/jobs';
import { CHOOSE_FOLDER_CHANNEL, RUN_EVENT_CHANNEL, serviceChannel } from '../common/channels';
import { type IpcEnvelope, SERVICE_METHODS } from '@oqat/studio-protocol';
import { TestStudioService } from '@oqat/studio-server';
import { registerChooseFolder } from './choose-folder';
import type { IpcMainInvokeEventLike, IpcMainLike, WebContentsLike, WebFrameLike } from './electron-surface';
import { forwardRunEvents } from './forward-run-events';
import { registerServiceIpc } from './register-service-ipc';
import { isTrustedSender } from './trusted-sender';

const PAGE = 'file:///opt/oqat/dist/renderer/index.html';

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: IpcMainInvokeEventLike, ...args: unknown[]): Promise<IpcEnvelope<unknown>> {
    return Promise.resolve(this.handlers.get(channel)!(event, ...args)) as Promise<IpcEnvelope<unknown>>;
  }
}

function frame(url: string, parent: WebFrameLike | null = null): WebFrameLike {
  return { url, parent };
}

function contents(sent: unknown[][] = []): WebContentsLike {
  return {
    id: 1, mainFrame: frame(PAGE), isDestroyed: () => false, send: (...args) => void sent.push(args),
    setWindowOpenHandler: () => undefined, on: () => undefined,
  };
}

const fromPage = (url = `${PAGE}#/runs`): IpcMainInvokeEventLike => ({ sender: contents(), senderFrame: frame(url) });
const trusted = (e: IpcMainInvokeEventLike) => isTrustedSender(e, PAGE);

const config = {
  kind: 'train', task: 'classification', dataset: 'subset', space: 'fashion-mnist', bitsChain: [4, 3],
  epochs: { float: 0, first: 1, inherited: 1 }, backend: 'cpu', devices: [], seed: 3,
} satisfies NewRunConfig;

describe('isTrustedSender', () => {
  it('accepts the main frame of our page (any hash) and nothing else', () => {
    expect(trusted(fromPage())).toBe(true);
    expect(trusted(fromPage(`${PAGE}#/search/r1?device=fpga`))).toBe(true);
    expect(trusted(fromPage('file:///tmp/evil/index.html'))).toBe(false);
    expect(trusted(fromPage('https://example.com/'))).toBe(false);
    expect(trusted({ sender: contents(), senderFrame: frame(PAGE, frame(PAGE)) })).toBe(false);
    expect(trusted({ sender: contents(), senderFrame: null })).toBe(false);
    expect(isTrustedSender(fromPage('http://127.0.0.1:5173/#/runs'), 'http://127.0.0.1:5173/')).toBe(true);
  });
});

describe('registerServiceIpc', () => {
  it('registers one oqat:service:<method> channel per method and removes them all', () => {
    const ipc = new FakeIpcMain();
    const dispose = registerServiceIpc(ipc, new TestStudioService(), trusted);
    expect([...ipc.handlers.keys()].sort()).toEqual(SERVICE_METHODS.map(serviceChannel).sort());
    dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it('calls the service for a trusted sender and answers with an envelope', async () => {
    const ipc = new FakeIpcMain();
    const service = new TestStudioService();
    registerServiceIpc(ipc, service, trusted);
    const started = await ipc.invoke(serviceChannel('startRun'), fromPage(), config);
    expect(started).toEqual({ ok: true, value: { runId: 'run-001' } });
    expect(await ipc.invoke(serviceChannel('cancelRun'), fromPage(), 'run-001')).toEqual({ ok: true, value: null });
    expect(service.calls.map((c) => c.method)).toEqual(['startRun', 'cancelRun']);
  });

  it('refuses untrusted senders before touching the service, and returns errors as {name, message}', async () => {
    const ipc = new FakeIpcMain();
    const service = new TestStudioService();
    registerServiceIpc(ipc, service, trusted);
    const refused = await ipc.invoke(serviceChannel('deleteRun'), fromPage('https://evil.example/'), 'run-001');
    expect(refused).toEqual({ ok: false, error: { name: 'UntrustedSenderError', message: expect.stringContaining('evil.example') } });
    expect(service.calls).toEqual([]);
    const missing = await ipc.invoke(serviceChannel('getRun'), fromPage(), 'nope');
    expect(missing).toEqual({ ok: false, error: { name: 'RunNotFoundError', message: expect.stringContaining("'nope'") } });
    const tooMany = await ipc.invoke(serviceChannel('listRuns'), fromPage(), 'extra');
    expect(tooMany).toMatchObject({ ok: false, error: { name: 'BadRequestError' } });
  });
});

describe('main-process helpers', () => {
  it('forwards every run event to live windows on oqat:event:run until unsubscribed', () => {
    const service = new TestStudioService();
    const sent: unknown[][] = [];
    const stop = forwardRunEvents(service, () => [contents(sent)]);
    const event = { runId: 'r', seq: 1, at: 1, kind: 'log' as const, payload: { message: 'hi' } };
    service.emit(event);
    stop();
    service.emit({ ...event, seq: 2 });
    expect(sent).toEqual([[RUN_EVENT_CHANNEL, event]]);
  });

  it('opens the native folder dialog for trusted senders only, and allows the chosen folder to the service', async () => {
    const ipc = new FakeIpcMain();
    const dialogs: unknown[] = [];
    const allowed: string[] = [];
    registerChooseFolder({
      ipcMain: ipc,
      BrowserWindow: { fromWebContents: () => null } as never,
      dialog: { showOpenDialog: async (_w, options) => { dialogs.push(options); return { canceled: false, filePaths: ['/home/me/export'] }; } },
    }, trusted, (dir) => allowed.push(dir));
    expect(await ipc.invoke(CHOOSE_FOLDER_CHANNEL, fromPage())).toBe('/home/me/export');
    expect(await ipc.invoke(CHOOSE_FOLDER_CHANNEL, fromPage('https://evil.example/'))).toBeNull();
    expect(dialogs).toHaveLength(1);
    expect(allowed).toEqual(['/home/me/export']);
  });
});
