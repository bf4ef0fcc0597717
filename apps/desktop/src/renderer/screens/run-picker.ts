import type { RunSummary } from '@oqat/jobs';
import type { ScreenContext } from '../app/screen';
import { DataTable } from '../ui/data-table';
import { h, replaceChildren } from '../ui/dom';
import { formatBits, formatPercent, formatTime } from '../ui/format';
import { emptyState, errorState, loadingState, statusBadge } from '../ui/states';

/** "Which run?" for screens opened without one: the runs that fit, newest first. */
export function runPicker(
  ctx: ScreenContext,
  options: { title: string; accept: (r: RunSummary) => boolean; empty: [string, string]; choose: (r: RunSummary) => void },
): HTMLElement {
  const body = h('section', { class: 'panel', 'aria-label': options.title }, loadingState());
  const table = new DataTable<RunSummary>({
    caption: options.title, rowKey: (r) => r.id, onActivate: options.choose,
    initialSort: { key: 'created', dir: 'descending' },
    columns: [
      { key: 'id', label: 'Run', value: (r) => r.id, render: (r) => h('span', { class: 'mono', text: r.id }) },
      { key: 'kind', label: 'Kind', value: (r) => r.kind },
      { key: 'status', label: 'Status', value: (r) => r.status, render: (r) => statusBadge(r.status) },
      { key: 'bits', label: 'Bits', value: (r) => r.bits.join(','), render: (r) => formatBits(r.bits) },
      { key: 'best', label: 'Best accuracy', numeric: true, value: (r) => r.bestAccuracy, render: (r) => formatPercent(r.bestAccuracy) },
      { key: 'created', label: 'Created', value: (r) => r.createdAt, render: (r) => formatTime(r.createdAt) },
    ],
  });
  const load = (): void => {
    ctx.client.listRuns().then((runs) => {
      const fitting = runs.filter(options.accept);
      if (fitting.length === 0) {
        replaceChildren(body, emptyState(options.empty[0], options.empty[1],
          h('button', { class: 'primary', type: 'button', text: 'New run', onClick: () => ctx.navigate({ name: 'new', kind: 'search' }) })));
        return;
      }
      table.setRows(fitting);
      replaceChildren(body, h('p', { class: 'muted', text: 'Choose a run (Enter or click).' }), table.el);
    }, (err) => replaceChildren(body, errorState('Could not load the runs', err, load)));
  };
  load();
  return body;
}
