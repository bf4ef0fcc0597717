import type { CandidateDto, RunDetail } from '@oqat/jobs';
import { isTerminalStatus } from '../../common/run-events';
import type { Route } from '../app/route';
import type { Screen } from '../app/screen';
import { ChartPanel } from '../charts/chart-panel';
import { frontOption } from '../charts/front-option';
import { lineOption } from '../charts/line-option';
import { MetricSeries } from '../model/metric-series';
import { bestUnderBudget, devicesOf, frontOf } from '../model/pareto';
import { DataTable } from '../ui/data-table';
import { h, replaceChildren, throttle } from '../ui/dom';
import { formatBytes, formatCount, formatMs, formatPercent } from '../ui/format';
import { emptyState, errorState, loadingState, statusBadge } from '../ui/states';
import { tabs } from '../ui/tabs';
import { candidateCard } from './candidate-card';
import { hypervolumeMetrics, phaseSeries } from './run-charts';
import { runPicker } from './run-picker';

const SLIDER_STEPS = 400;

/** Accuracy–latency of every candidate per device, the Pareto front, a latency budget, the hypervolume curve. */
export const searchScreen: Screen<Extract<Route, { name: 'search' }>> = (root, ctx, route) => {
  const { client, navigate, theme } = ctx;
  if (!route.runId) {
    root.append(h('div', { class: 'screen-header' }, h('h1', { text: 'Search' })), runPicker(ctx, {
      title: 'Search runs', accept: (r) => r.kind === 'search' || r.kind === 'demo',
      empty: ['No search yet', 'Search a finished training run to get accuracy–latency fronts for each device.'],
      choose: (r) => navigate({ name: 'search', runId: r.id }),
    }));
    return () => undefined;
  }
  const runId = route.runId;
  let detail: RunDetail | undefined;
  let candidates: CandidateDto[] = [];
  const metrics = new MetricSeries();
  let device = route.device ?? '';
  const budgets = new Map<string, number>();
  let disposed = false;

  const header = h('div', { class: 'screen-header' }, h('h1', { text: 'Search' }));
  const tabHolder = h('div');
  const body = h('div', null, loadingState('Loading candidates…'));
  root.append(header, tabHolder, body);

  const onDevice = (): CandidateDto[] => candidates.filter((c) => c.device === device);
  const range = (): [number, number] => {
    const l = onDevice().map((c) => c.latencyMs);
    return l.length ? [Math.min(...l), Math.max(...l)] : [0, 1];
  };
  const budget = (): number => {
    const [lo, hi] = range();
    const chosen = budgets.get(device) ?? (detail?.config?.maxLatencyMs || undefined) ?? lo + (hi - lo) / 2;
    return Math.min(hi, Math.max(lo, chosen));
  };

  const scatter = new ChartPanel('Accuracy against latency of every candidate, Pareto front highlighted', (c) =>
    frontOption(c, [{ name: device, color: c.front, all: onDevice(), front: frontOf(onDevice()) }],
      { ms: budget(), best: bestUnderBudget(onDevice(), budget()) }), theme, { tall: true, testId: 'chart-front' });
  const hypervolume = new ChartPanel('Hypervolume per generation', (c) =>
    lineOption(c, phaseSeries(metrics, hypervolumeMetrics(metrics.names()), c),
      { x: 'generation', y: 'hypervolume', integerX: true }), theme, { testId: 'chart-hypervolume' });

  const slider = h('input', { type: 'range', min: 0, max: SLIDER_STEPS, step: 1, id: 'budget', dataset: { testid: 'budget-slider' } });
  const budgetLabel = h('label', { for: 'budget' });
  const best = h('div');
  const frontTable = new DataTable<CandidateDto>({
    caption: 'Pareto front', rowKey: (c) => String(c.id), initialSort: { key: 'latency', dir: 'ascending' },
    onActivate: (c) => setBudget(c.latencyMs),
    rowClass: (c) => (c.id === bestUnderBudget(onDevice(), budget())?.id ? 'selected' : undefined),
    columns: [
      { key: 'id', label: '#', value: (c) => c.id },
      { key: 'accuracy', label: 'Accuracy', numeric: true, value: (c) => c.accuracy, render: (c) => formatPercent(c.accuracy, 2) },
      { key: 'latency', label: 'Latency', numeric: true, value: (c) => c.latencyMs, render: (c) => formatMs(c.latencyMs) },
      { key: 'bits', label: 'Bits', numeric: true, value: (c) => c.bits },
      { key: 'bitops', label: 'BitOPs', numeric: true, value: (c) => c.bitops, render: (c) => formatCount(c.bitops) },
      { key: 'bytes', label: 'Size', numeric: true, value: (c) => c.modelBytes, render: (c) => formatBytes(c.modelBytes) },
      { key: 'gen', label: 'Gen.', numeric: true, value: (c) => c.generation },
    ],
  });
  const frontHolder = h('div', { dataset: { testid: 'front-table' } }, frontTable.el);

  function setBudget(ms: number): void {
    budgets.set(device, ms);
    paintBudget();
  }

  function paintBudget(): void {
    const [lo, hi] = range();
    const b = budget();
    slider.value = String(hi > lo ? Math.round(((b - lo) / (hi - lo)) * SLIDER_STEPS) : SLIDER_STEPS);
    const chosen = bestUnderBudget(onDevice(), b);
    const text = `Latency budget ${formatMs(b)} on ${device}: best ${chosen ? `#${chosen.id}, ${formatPercent(chosen.accuracy)}` : 'none'}`;
    budgetLabel.textContent = text;
    slider.setAttribute('aria-valuetext', text);
    replaceChildren(best, candidateCard(chosen, chosen ? [h('button', { class: 'primary', type: 'button', text: `Export #${chosen.id}…`,
      dataset: { testid: 'export-best' }, onClick: () => navigate({ name: 'export', runId, candidateId: chosen.id }) })] : []));
    frontTable.setRows(frontOf(onDevice()));
    scatter.update();
  }

  slider.addEventListener('input', () => {
    const [lo, hi] = range();
    setBudget(lo + ((hi - lo) * Number(slider.value)) / SLIDER_STEPS);
  });

  function paint(): void {
    if (!detail) return;
    replaceChildren(header, h('h1', { text: 'Search' }), h('a', { class: 'mono', href: `#/runs/${encodeURIComponent(runId)}`, text: runId }),
      statusBadge(detail.status), h('span', { class: 'muted', text: `${candidates.length} candidates` }));
    const devices = devicesOf(candidates, detail.config?.devices ?? []);
    if (devices.length === 0) {
      tabHolder.replaceChildren();
      delete tabHolder.dataset.key;
      replaceChildren(body, isTerminalStatus(detail.status)
        ? emptyState('No candidates', `${runId} evaluated no candidate${detail.error ? `: ${detail.error}` : '.'}`)
        : loadingState('Waiting for the first generation…'));
      return;
    }
    if (!devices.includes(device)) device = devices[0]!;
    const tabsKey = `${devices.join(',')}|${device}`;
    if (tabHolder.dataset.key !== tabsKey) tabHolder.dataset.key = tabsKey;
    else return paintContent();
    replaceChildren(tabHolder, tabs('Devices', devices.map((d) => ({ id: d, label: d })), device, (d) => {
      device = d;
      history.replaceState(null, '', `#/search/${encodeURIComponent(runId)}?device=${encodeURIComponent(d)}`);
      paint();
      (tabHolder.querySelector(`[data-tab="${CSS.escape(d)}"]`) as HTMLElement | null)?.focus();
    }));
    paintContent();
  }

  function paintContent(): void {
    if (!body.contains(scatter.el)) {
      replaceChildren(body, h('div', { class: 'grid', style: 'grid-template-columns:minmax(0,2fr) minmax(280px,1fr)' },
        h('section', { class: 'panel' }, h('h2', { text: 'Accuracy vs latency' }), scatter.el),
        h('section', { class: 'panel' }, h('h2', { text: 'Latency budget' }), budgetLabel, slider, h('hr', { class: 'muted' }), best)),
      h('div', { class: 'grid cols-2', style: 'margin-top:14px' },
        h('section', { class: 'panel' }, h('h2', { text: 'Pareto front' }), frontHolder),
        h('section', { class: 'panel' }, h('h2', { text: 'Hypervolume' }), hypervolume.el)));
    }
    paintBudget();
    hypervolume.update();
  }

  async function load(): Promise<void> {
    try {
      const [d, list, points] = await Promise.all([client.getRun(runId), client.candidates(runId), client.metrics(runId)]);
      if (disposed) return;
      detail = d;
      candidates = list;
      metrics.addAll(points);
      paint();
    } catch (err) {
      replaceChildren(body, errorState(`Could not load the search ${runId}`, err, () => void load()));
    }
  }
  const refresh = throttle(() => void load(), 1_000);
  const events = client.runEvents$.subscribe((e) => { if (e.runId === runId) refresh(); });
  void load();
  return () => {
    disposed = true;
    events.unsubscribe();
    refresh.cancel();
    scatter.dispose();
    hypervolume.dispose();
  };
};
