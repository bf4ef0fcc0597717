import type { RunEventDto, StudioService } from '@oqat/jobs';
import { Observable, share } from 'rxjs';
import { SERVICE_METHODS, type ServiceMethod } from '@oqat/studio-protocol';
import type { ConnectionState, Transport } from './transport';

/**
 * StudioService as the renderer sees it, whatever the transport, plus the
 * live events as a shared rxjs stream (`runEvents$`) and host extras.
 */
export interface StudioClient extends StudioService {
  readonly transportKind: Transport['kind'];
  readonly runEvents$: Observable<RunEventDto>;
  readonly connection$: Observable<ConnectionState>;
  /** native folder dialog (Electron only) */
  readonly chooseFolder?: () => Promise<string | undefined>;
}

export function createStudioClient(transport: Transport): StudioClient {
  const methods = Object.fromEntries(
    SERVICE_METHODS.map((method: ServiceMethod) => [method, (...args: unknown[]) => transport.invoke(method, args)]),
  ) as unknown as Omit<StudioService, 'onRunEvent'>;
  const runEvents$ = new Observable<RunEventDto>((subscriber) => transport.subscribe((e) => subscriber.next(e))).pipe(
    share(),
  );
  const connection$ = new Observable<ConnectionState>((subscriber) => transport.onConnection((s) => subscriber.next(s)));
  return {
    ...methods,
    transportKind: transport.kind,
    runEvents$,
    connection$,
    chooseFolder: transport.chooseFolder,
    onRunEvent(listener) {
      const subscription = runEvents$.subscribe(listener);
      return () => subscription.unsubscribe();
    },
  };
}
