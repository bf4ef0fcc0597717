import type { RunDetail } from '@oqat/jobs';
import { isTerminalStatus } from '../../common/run-events';
import type { Route } from '../app/route';
import type { Screen } from '../app/screen';
import { LiveRun } from '../model/live-run';
import { DataTable } from '../ui/data-table';
import { h, perFrame, replaceChildren } from '../ui/dom';
import { formatBits, formatBytes, formatDuration, formatPercent, formatTime } from '../ui/format';
import { errorState, loadingState, stat, statusBadge } from '../ui/states';
import { EventLog } from './event-log';
import { quantizeForm } from './quantize-form';
import { RunCharts } from './run-charts';

/** One run, live: progress, ETA, samples/s, curves per phase, event log, checkpoints; cancel / resume / delete. */
export const runDetailScreen: Screen<Extract<Route, { name: 'run' }>> = (root, ctx, route) => {
  const { client, navigate, announcer, theme } = ctx;
  const header = h('div', { class: 'screen-header' }, h('h1', { class: 'mono', text: route.runId }));
  const body = h('div', { class: 'grid' }, loadingState('Loading the run…'));
  root.append(header, body);
  let charts: RunCharts | undefined;
  const log = new EventLog();
  const stats = h('div', { class: 'grid stats', dataset: { testid: 'run-stats' } });
  const checkpoints = new DataTable<RunDetail['checkpoints'][number]>({
    caption: 'Checkpoints', emptyText: 'No checkpoint yet.', rowKey: (c) => c.path, initialSort: { key: 'step', dir: 'ascending' },
    columns: [
      { key: 'phase', label: 'Phase', value: (c) => c.phase },
      { key: 'step', label: 'Step', numeric: true, value: (c) => c.step },
      { key: 'at', label: 'Written', value: (c) => c.at, render: (c) => formatTime(c.at) },
      { key: 'path', label: 'File', value: (c) => c.path, render: (c) => h('span', { class: 'mono', text: c.path }) },
    ],
  });
  const artifacts = new DataTable<RunDetail['artifacts'][number]>({
    caption: 'Artifacts', emptyText: 'No artifact yet.', rowKey: (a) => a.path,
    columns: [
      { key: 'kind', label: 'Kind', value: (a) => a.kind },
      { key: 'size', label: 'Size', numeric: true, value: (a) => a.sizeBytes, render: (a) => formatBytes(a.sizeBytes) },
      { key: 'path', label: 'File', value: (a) => a.path, render: (a) => h('span', { class: 'mono', text: a.path }) },
    ],
  });
  const actions = h('div', { class: 'toolbar' });
  let built = false;

  const act = (label: string, run: () => Promise<unknown>, done: string) => async (e: Event) => {
    const button = e.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      await run();
      announcer.say(done);
    } catch (err) {
      announcer.error(label, err);
    } finally {
      button.disabled = false;
    }
  };

  let actionsFor = '';
  /** Rebuilt only when the status changes, so a focused button keeps its focus while the run ticks. */
  function renderActions(d: RunDetail): void {
    if (actionsFor === d.status) return;
    actionsFor = d.status;
    const terminal = isTerminalStatus(d.status);
    const searchable = d.kind === 'search' || d.kind === 'demo';
    replaceChildren(actions,
      !terminal ? h('button', { type: 'button', class: 'danger', dataset: { testid: 'cancel-run' }, text: 'Cancel run',
        onClick: act('Cancel', () => client.cancelRun(d.id), `${d.id}: cancel requested`) }) : null,
      terminal && d.status !== 'finished' ? h('button', { type: 'button', dataset: { testid: 'resume-run' }, text: 'Resume',
        onClick: act('Resume', () => client.resumeRun(d.id), `${d.id}: resumed`) }) : null,
      searchable ? h('button', { type: 'button', text: 'Open search view', onClick: () => navigate({ name: 'search', runId: d.id }) }) : null,
      d.kind === 'train' && d.status === 'finished' ? h('button', { type: 'button', text: 'Search this supernet…',
        onClick: () => navigate({ name: 'new', kind: 'search', checkpointRunId: d.id }) }) : null,
      searchable && d.status === 'finished' ? h('button', { type: 'button', text: 'Export…', onClick: () => navigate({ name: 'export', runId: d.id }) }) : null,
      terminal ? h('button', { type: 'button', class: 'danger', text: 'Delete', onClick: async (e: Event) => {
        if (!confirm(`Delete ${d.id} and its metrics, events and candidates?`)) return;
        await act('Delete', () => client.deleteRun(d.id), `${d.id} deleted`)(e);
        navigate({ name: 'runs' });
      } }) : null);
  }

  function renderStats(): void {
    const d = live.detail!;
    const p = live.progress;
    const fraction = p && p.total > 0 ? p.current / p.total : d.status === 'finished' ? 1 : 0;
    const sps = live.metrics.latest('samplesPerSec')?.value;
    const started = d.startedAt;
    const duration = started ? (d.finishedAt ?? (isTerminalStatus(d.status) ? started : Date.now())) - started : undefined;
    const progressPanel = stat('Progress', `${(fraction * 100).toFixed(0)} %`, p ? `${p.current}/${p.total} · ${p.status ?? p.phase ?? ''}` : d.status, 'stat-progress');
    progressPanel.append(h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100,
      'aria-valuenow': Math.round(fraction * 100), 'aria-label': 'Run progress' }, h('div', { style: `width:${fraction * 100}%` })));
    replaceChildren(stats, progressPanel,
      stat('Phase', p?.phase ?? '—', formatBits(d.bits) + ' bit', 'stat-phase'),
      stat('Samples/s', sps === undefined ? '—' : sps.toFixed(0), live.stepsPerSec() ? `${live.stepsPerSec()!.toFixed(2)} steps/s` : undefined, 'stat-samples'),
      stat('ETA', formatDuration(live.etaMs()), isTerminalStatus(d.status) ? d.status
        : p && p.current >= p.total ? 'steps done, evaluating' : 'at the recent rate', 'stat-eta'),
      stat(d.task === 'segmentation' ? 'Best mIoU' : 'Best accuracy', formatPercent(live.bestAccuracy()), d.task, 'stat-best'),
      stat('Duration', formatDuration(duration), started ? `since ${formatTime(started)}` : 'not started', 'stat-duration'));
  }

  function build(d: RunDetail): void {
    built = true;
    charts = new RunCharts(d.kind, live.metrics, theme);
    replaceChildren(body,
      d.error ? h('div', { class: 'alert', role: 'alert', text: d.error }) : null,
      stats, charts.el,
      h('div', { class: 'grid cols-2' },
        h('section', { class: 'panel' }, h('h2', { text: 'Event log' }), log.el),
        h('section', { class: 'panel' }, h('h2', { text: 'Checkpoints' }), checkpoints.el,
          h('h2', { text: 'Artifacts', style: 'margin-top:12px' }), artifacts.el)),
      d.kind === 'train' || d.kind === 'demo'
        ? h('details', { class: 'panel', dataset: { testid: 'quantize-panel' } }, h('summary', { text: 'Post-training quantization (MMSE)' }), quantizeForm(d.id, ctx))
        : null,
      h('details', { class: 'panel' }, h('summary', { text: 'Configuration' }),
        h('pre', { class: 'mono', text: JSON.stringify(d.config, null, 2) }), h('div', { class: 'muted', text: `seed ${d.seed}` })));
  }

  const paint = perFrame(() => {
    const d = live.detail;
    if (!d) return;
    if (!built) build(d);
    if (actionsFor !== d.status) {
      replaceChildren(header, h('h1', { class: 'mono', text: d.id }), statusBadge(d.status),
        h('span', { class: 'muted', text: `${d.kind} · ${d.task}${d.parentRunId ? ` · from ${d.parentRunId}` : ''}` }),
        h('span', { class: 'spacer' }), actions);
    }
    renderActions(d);
    renderStats();
    charts?.update();
    log.sync(live.events);
    checkpoints.setRows(d.checkpoints);
    artifacts.setRows(d.artifacts);
  });

  const live = new LiveRun(client, route.runId, () => paint());
  const load = (): void => {
    live.load().catch((err) => replaceChildren(body, errorState(`Could not load ${route.runId}`, err, load)));
  };
  load();
  const ticker = setInterval(() => { if (live.detail && !isTerminalStatus(live.detail.status)) paint(); }, 1_000);
  return () => {
    clearInterval(ticker);
    live.dispose();
    charts?.dispose();
  };
};
