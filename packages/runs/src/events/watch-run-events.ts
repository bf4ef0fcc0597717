import { Observable } from 'rxjs';
import { isTerminalEvent, type RunEvent } from './run-event.ts';

/** Where a watcher reads stored events and hears of new ones. */
export interface RunEventSource {
  readEvents(runId: string, afterSeq: number): Promise<RunEvent[]>;
  live$(runId: string): Observable<RunEvent>;
}

export interface WatchOptions {
  /** How often to look for events written by other processes; 0 turns polling off. Default 250. */
  readonly pollMs?: number;
}

/**
 * Every event of a run, in seq order without gaps or repeats: the stored ones
 * first (read page by page), then live ones. In-process events arrive through `live$` at once; writes
 * by other processes are found by polling. Completes after a terminal event that
 * is the run's latest (a resumed run's earlier terminal events are replayed and
 * passed over). Cold: each subscriber gets its own replay.
 */
export function watchRunEvents<T = unknown>(
  source: RunEventSource,
  runId: string,
  options: WatchOptions = {},
): Observable<RunEvent<T>> {
  const pollMs = options.pollMs ?? 250;
  return new Observable<RunEvent<T>>((subscriber) => {
    let lastSeq = 0;
    let fetching = false;
    let fetchAgain = false;
    let closed = false;

    const finish = (): void => {
      closed = true;
      subscriber.complete();
    };

    const fetch = async (): Promise<void> => {
      if (fetching) {
        fetchAgain = true;
        return;
      }
      fetching = true;
      try {
        do {
          fetchAgain = false;
          const events = await source.readEvents(runId, lastSeq);
          for (const e of events) {
            if (closed) return;
            if (e.seq <= lastSeq) continue;
            lastSeq = e.seq;
            subscriber.next(e as RunEvent<T>);
          }
          const last = events.at(-1);
          if (closed || !last) continue;
          if (isTerminalEvent(last)) {
            // Terminal only if nothing newer was committed meanwhile (a resume).
            const newer = await source.readEvents(runId, lastSeq);
            if (newer.length === 0) return finish();
          }
          fetchAgain = true; // a page was read: there may be more
        } while (fetchAgain && !closed);
      } catch (err) {
        if (!closed) {
          closed = true;
          subscriber.error(err);
        }
      } finally {
        fetching = false;
      }
    };

    const live = source.live$(runId).subscribe((e) => {
      if (closed || e.seq <= lastSeq) return;
      if (e.seq === lastSeq + 1 && !fetching) {
        lastSeq = e.seq;
        subscriber.next(e as RunEvent<T>);
        if (isTerminalEvent(e)) finish();
      } else {
        void fetch();
      }
    });
    const timer = pollMs > 0 ? setInterval(() => void fetch(), pollMs) : undefined;
    void fetch();

    return () => {
      closed = true;
      live.unsubscribe();
      if (timer) clearInterval(timer);
    };
  });
}
