import type { RunEventDto } from '@oqat/jobs';
import { errorOf, logOf, progressOf } from '../../common/run-events';
import { h } from '../ui/dom';

const MAX_LINES = 400;

/** The line an event shows in the log; metric events and same-phase progress are left out (the charts show them). */
export function describeEvent(event: RunEventDto, previous: RunEventDto | undefined): { kind: string; text: string; level?: string } | undefined {
  switch (event.kind) {
    case 'metric':
      return undefined;
    case 'progress': {
      const p = progressOf(event);
      const before = previous ? progressOf(previous) : undefined;
      if (!p || (before && before.phase === p.phase)) return undefined;
      return { kind: 'phase', text: `${p.status ?? p.phase ?? ''} (${p.current}/${p.total})`.trim() };
    }
    case 'log': {
      const log = logOf(event);
      return log ? { kind: log.level, text: log.message, level: log.level } : undefined;
    }
    case 'failed':
      return { kind: 'failed', text: errorOf(event) ?? 'failed', level: 'error' };
    default: {
      const json = event.payload && typeof event.payload === 'object' && Object.keys(event.payload).length
        ? JSON.stringify(event.payload) : '';
      const extra = json ? ` ${json.length > 160 ? `${json.slice(0, 159)}…` : json}` : '';
      return { kind: event.kind, text: `run ${event.kind}${extra}` };
    }
  }
}

/** A `role=log` list that appends lines as events arrive and stays scrolled to the end. */
export class EventLog {
  readonly el = h('ol', { class: 'log', role: 'log', 'aria-label': 'Event log', tabIndex: 0, dataset: { testid: 'event-log' } });
  private shown = 0;
  private lastProgress: RunEventDto | undefined;

  sync(events: readonly RunEventDto[]): void {
    this.el.querySelector('li.placeholder')?.remove();
    const atEnd = this.el.scrollTop + this.el.clientHeight >= this.el.scrollHeight - 8;
    for (const event of events.slice(this.shown)) {
      const line = describeEvent(event, event.kind === 'progress' ? this.lastProgress : undefined);
      if (event.kind === 'progress') this.lastProgress = event;
      if (!line) continue;
      const time = new Date(event.at).toLocaleTimeString(undefined, { hour12: false });
      this.el.append(h('li', { class: `log-${line.level ?? event.kind}` },
        h('span', { class: 'time mono', text: time }), h('span', { class: 'kind', text: line.kind }), h('span', { text: line.text })));
    }
    this.shown = events.length;
    while (this.el.childElementCount > MAX_LINES) this.el.firstElementChild!.remove();
    if (this.el.childElementCount === 0) {
      this.el.append(h('li', { class: 'placeholder muted' }, h('span'), h('span'), h('span', { text: 'No events yet.' })));
    }
    if (atEnd) this.el.scrollTop = this.el.scrollHeight;
  }
}
