import { filter, type Observable, Subject } from 'rxjs';
import type { RunEvent } from './run-event.ts';

/**
 * In-process fan-out of committed events, so subscribers in the writing process
 * see them at once instead of at the next poll. Owned by one RunStore; the
 * subject never leaves this class.
 */
export class EventBus {
  private readonly subject = new Subject<RunEvent>();

  publish(event: RunEvent): void {
    this.subject.next(event);
  }

  forRun$(runId: string): Observable<RunEvent> {
    return this.subject.pipe(filter((e) => e.runId === runId));
  }

  complete(): void {
    this.subject.complete();
  }
}
