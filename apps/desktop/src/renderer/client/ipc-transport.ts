import type { RunEventDto } from '@oqat/jobs';
import type { OqatBridge } from '../../common/bridge-api';
import { CHOOSE_FOLDER_CHANNEL, RUN_EVENT_CHANNEL, serviceChannel } from '../../common/channels';
import { type IpcEnvelope, RemoteError, type ServiceMethod } from '@oqat/studio-protocol';
import type { Transport } from './transport';

/** Electron: `window.oqat.invoke('oqat:service:<method>')` for calls, `oqat:event:run` for live events. */
export function ipcTransport(bridge: OqatBridge): Transport {
  return {
    kind: 'ipc',
    async invoke(method: ServiceMethod, args: unknown[]) {
      const envelope = (await bridge.invoke(serviceChannel(method), ...args)) as IpcEnvelope<unknown>;
      if (!envelope.ok) throw new RemoteError(envelope.error);
      return envelope.value;
    },
    subscribe(listener) {
      return bridge.on(RUN_EVENT_CHANNEL, (payload) => listener(payload as RunEventDto));
    },
    onConnection(listener) {
      listener('live');
      return () => undefined;
    },
    async chooseFolder() {
      const chosen = await bridge.invoke(CHOOSE_FOLDER_CHANNEL);
      return typeof chosen === 'string' ? chosen : undefined;
    },
  };
}
