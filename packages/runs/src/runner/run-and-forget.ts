import { Observable } from 'rxjs';
import type { RunEvent } from '../events/run-event.ts';
import type { RunStore } from '../store/run-store.ts';
import type { RunHandle, RunSpec } from './run-handle.ts';
import type { RunnerOptions } from './runner-options.ts';
import { startRun } from './start-run.ts';

/**
 * Starts the run on subscribe and emits all its events (from `queued`);
 * unsubscribing before the end stops the run. Completes when the run ends.
 */
export function runAndForget<T = unknown>(
  store: RunStore,
  spec: RunSpec,
  options: RunnerOptions = {},
): Observable<RunEvent<T>> {
  return new Observable<RunEvent<T>>((subscriber) => {
    let handle: RunHandle<T> | undefined;
    let ended = false;
    let unsubscribed = false;
    let inner: { unsubscribe(): void } | undefined;
    startRun<T>(store, spec, options).then(
      (h) => {
        handle = h;
        if (unsubscribed) return void h.stop();
        inner = store.events$<T>(h.id).subscribe({
          next: (e) => subscriber.next(e),
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            ended = true;
            subscriber.complete();
          },
        });
      },
      (err: unknown) => subscriber.error(err),
    );
    return () => {
      unsubscribed = true;
      inner?.unsubscribe();
      if (handle && !ended) void handle.stop();
    };
  });
}
