import type { StudioService } from '@oqat/jobs';
import { serviceChannel } from '../common/channels';
import { type IpcEnvelope, SERVICE_METHODS, checkArguments, dispatch, toRemoteError } from '@oqat/studio-protocol';
import type { IpcMainInvokeEventLike, IpcMainLike } from './electron-surface';

export class UntrustedSenderError extends Error {
  constructor(channel: string, url: string | undefined) {
    super(`ipc: '${channel}' refused: the sender '${url ?? 'a destroyed frame'}' is not the studio window's main frame`);
    this.name = 'UntrustedSenderError';
  }
}

/**
 * One `ipcMain.handle('oqat:service:<method>')` per StudioService method.
 * Each call checks its sender, then its arguments, and answers with an
 * IpcEnvelope (Electron would keep only the message of a thrown error).
 * Returns the function that removes the handlers.
 */
export function registerServiceIpc(
  ipcMain: IpcMainLike,
  service: StudioService,
  isTrusted: (event: IpcMainInvokeEventLike) => boolean,
): () => void {
  for (const method of SERVICE_METHODS) {
    const channel = serviceChannel(method);
    ipcMain.handle(channel, async (event, ...args): Promise<IpcEnvelope<unknown>> => {
      try {
        if (!isTrusted(event)) throw new UntrustedSenderError(channel, event.senderFrame?.url);
        const value = await dispatch(service, method, checkArguments(method, args));
        return { ok: true, value: value === undefined ? null : value };
      } catch (err) {
        return { ok: false, error: toRemoteError(err) };
      }
    });
  }
  return () => {
    for (const method of SERVICE_METHODS) ipcMain.removeHandler(serviceChannel(method));
  };
}
