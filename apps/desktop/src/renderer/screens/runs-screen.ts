import type { RunSummary } from '@oqat/jobs';
import { isAccuracyMetric, isTerminalStatus, metricsOf, statusAfter } from '../../common/run-events';
import type { Screen } from '../app/screen';
import { type Column, DataTable } from '../ui/data-table';
import { h, replaceChildren, throttle } from '../ui/dom';
import { formatBits, formatDuration, formatPercent, formatTime } from '../ui/format';
import { emptyState, errorState, loadingState, statusBadge } from '../ui/states';

function durationMs(run: RunSummary, now: number): number | undefined {
  if (!run.startedAt) return undefined;
  return (run.finishedAt ?? (isTerminalStatus(run.status) ? run.startedAt : now)) - run.startedAt;
}

/** All runs: filter, sort, live status; select two or more to compare. */
export const runsScreen: Screen = (root, { client, navigate }) => {
  let runs: RunSummary[] = [];
  const selected = new Set<string>();
  const filter = h('input', { type: 'search', placeholder: 'Filter by id, kind, task, status…', 'aria-label': 'Filter runs' });
  const kind = h('select', { 'aria-label': 'Kind' }, ['all kinds', 'train', 'search', 'tune', 'quantize', 'compress', 'finetune', 'export', 'demo'].map((k) => h('option', { value: k.startsWith('all') ? '' : k, text: k })));
  const status = h('select', { 'aria-label': 'Status' }, ['all statuses', 'queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted'].map((s) => h('option', { value: s.startsWith('all') ? '' : s, text: s })));
  const compare = h('button', { type: 'button', disabled: true, dataset: { testid: 'compare-selected' }, text: 'Compare selected' });
  const count = h('span', { class: 'muted', 'aria-live': 'polite' });
  const body = h('div', null, loadingState());

  const columns: Column<RunSummary>[] = [
    { key: 'id', label: 'Run', value: (r) => r.id, render: (r) => h('span', { class: 'mono', text: r.id }) },
    { key: 'kind', label: 'Kind', value: (r) => r.kind },
    { key: 'status', label: 'Status', value: (r) => r.status, render: (r) => statusBadge(r.status) },
    { key: 'task', label: 'Task', value: (r) => r.task },
    { key: 'bits', label: 'Bits', value: (r) => r.bits.join(','), render: (r) => formatBits(r.bits) },
    { key: 'best', label: 'Best accuracy', numeric: true, value: (r) => r.bestAccuracy, render: (r) => formatPercent(r.bestAccuracy) },
    { key: 'started', label: 'Started', value: (r) => r.startedAt ?? r.createdAt, render: (r) => formatTime(r.startedAt ?? r.createdAt) },
    { key: 'duration', label: 'Duration', numeric: true, value: (r) => durationMs(r, Date.now()), render: (r) => formatDuration(durationMs(r, Date.now())) },
  ];
  const table = new DataTable<RunSummary>({
    caption: 'Runs', columns, rowKey: (r) => r.id, initialSort: { key: 'started', dir: 'descending' },
    onActivate: (r) => navigate({ name: 'run', runId: r.id }),
    selection: {
      label: (r) => `Select ${r.id} to compare`,
      isSelected: (r) => selected.has(r.id),
      toggle: (r) => {
        if (!selected.delete(r.id)) selected.add(r.id);
        compare.disabled = selected.size < 2;
        render();
      },
    },
  });

  const visible = (): RunSummary[] => {
    const q = filter.value.trim().toLowerCase();
    return runs.filter((r) => (!kind.value || r.kind === kind.value) && (!status.value || r.status === status.value) &&
      (!q || [r.id, r.kind, r.task, r.status, r.bits.join(',')].some((s) => s.toLowerCase().includes(q))));
  };

  function render(): void {
    if (runs.length === 0) {
      replaceChildren(body, emptyState('No runs yet', 'Train a quantized supernet, then search it for each device.',
        h('button', { class: 'primary', type: 'button', text: 'New run', onClick: () => navigate({ name: 'new' }) })));
      count.textContent = '';
      return;
    }
    const rows = visible();
    table.setRows(rows);
    count.textContent = `${rows.length} of ${runs.length} runs`;
    replaceChildren(body, rows.length ? table.el : emptyState('No run matches', 'Clear the filter to see every run.'));
  }

  async function load(): Promise<void> {
    try {
      runs = await client.listRuns();
      render();
    } catch (err) {
      replaceChildren(body, errorState('Could not load the runs', err, () => void load()));
    }
  }

  const reload = throttle(() => void load(), 500);
  const events = client.runEvents$.subscribe((event) => {
    const run = runs.find((r) => r.id === event.runId);
    if (!run) return reload();
    const next = statusAfter(event);
    for (const m of metricsOf(event)) if (isAccuracyMetric(m.name)) run.bestAccuracy = Math.max(run.bestAccuracy ?? 0, m.value);
    if (next && next !== run.status) {
      run.status = next;
      if (next === 'running') run.startedAt ??= event.at;
      if (isTerminalStatus(next)) {
        run.finishedAt = event.at;
        reload();
      }
      render();
    }
  });
  const ticker = setInterval(() => { if (runs.some((r) => r.status === 'running')) render(); }, 1_000);
  for (const control of [filter, kind, status]) control.addEventListener('input', render);
  compare.addEventListener('click', () => navigate({ name: 'compare', runIds: [...selected] }));

  root.append(
    h('div', { class: 'screen-header' }, h('h1', { text: 'Runs' }), count, h('span', { class: 'spacer' }),
      h('button', { class: 'primary', type: 'button', text: 'New run', onClick: () => navigate({ name: 'new' }) })),
    h('div', { class: 'toolbar' }, filter, kind, status, compare),
    h('section', { class: 'panel', 'aria-label': 'Runs table' }, body),
  );
  void load();
  return () => {
    events.unsubscribe();
    reload.cancel();
    clearInterval(ticker);
  };
};
