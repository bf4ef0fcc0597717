import type { CandidateDeviceOverview, CandidateDto, CandidateOverview, DeviceName, RunDetail } from '@oqat/jobs';
import { isTerminalStatus } from '../../common/run-events';
import type { Route } from '../app/route';
import type { Screen } from '../app/screen';
import { ChartPanel } from '../charts/chart-panel';
import { BudgetOverlay } from '../charts/budget-overlay';
import { cloudOption, pendingTooltip } from '../charts/cloud-option';
import { candidateTooltip } from '../charts/front-option';
import { lineOption } from '../charts/line-option';
import { DevicePoints, stepUnderBudget } from '../model/device-points';
import { MetricSeries } from '../model/metric-series';
import { DataTable } from '../ui/data-table';
import { h, replaceChildren, throttle } from '../ui/dom';
import { formatBytes, formatCandidateBits, formatCount, formatMs, formatPercent } from '../ui/format';
import { emptyState, errorState, loadingState, statusBadge } from '../ui/states';
import { tabs } from '../ui/tabs';
import { CandidateDiagrams } from './block-diagram';
import { candidateCard } from './candidate-card';
import { hypervolumeMetrics, phaseSeries } from './run-charts';
import { runPicker } from './run-picker';

const SLIDER_STEPS = 400;

/**
 * Accuracy–latency of every candidate per device, the Pareto front, a latency
 * budget, the hypervolume curve. Built for large searches: the store sends
 * counts, ranges, the front and the steps (`candidateOverview`), and one
 * device's points as columns, page by page, appended as a live search grows
 * (`candidatePoints`); a slider step is a binary search and a move of the
 * budget overlay (no chart redraw), at most once per frame.
 */
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
  let overview: CandidateOverview = { total: 0, devices: [] };
  const points = new Map<string, DevicePoints>();
  const fetching = new Map<string, Promise<void>>();
  const wholeCandidates = new Map<number, CandidateDto | Promise<CandidateDto | undefined>>();
  const metrics = new MetricSeries();
  let device = route.device ?? '';
  const budgets = new Map<string, number>();
  let shownBest: number | undefined;
  let disposed = false;

  const header = h('div', { class: 'screen-header' }, h('h1', { text: 'Search' }));
  const tabHolder = h('div');
  const body = h('div', null, loadingState('Loading candidates…'));
  root.append(header, tabHolder, body);

  const here = (): CandidateDeviceOverview | undefined => overview.devices.find((d) => d.device === device);
  const pointsOf = (d: string): DevicePoints => {
    if (!points.has(d)) points.set(d, new DevicePoints());
    return points.get(d)!;
  };
  const range = (): [number, number] => here()?.latencyMs ?? [0, 1];
  const budget = (): number => {
    const [lo, hi] = range();
    const chosen = budgets.get(device) ?? (detail?.config?.maxLatencyMs || undefined) ?? lo + (hi - lo) / 2;
    return Math.min(hi, Math.max(lo, chosen));
  };
  /** The best step under the current budget: id, latency, accuracy (no whole candidate needed). */
  const bestStep = (): { id: number; latencyMs: number; accuracy: number } | undefined => {
    const steps = here()?.steps;
    const i = steps ? stepUnderBudget(steps, budget()) : -1;
    return steps && i >= 0 ? { id: steps.ids[i]!, latencyMs: steps.latencyMs[i]!, accuracy: steps.accuracy[i]! } : undefined;
  };

  /** The whole candidate `id`, from the front already loaded or fetched once. */
  function whole(id: number): CandidateDto | Promise<CandidateDto | undefined> {
    const known = wholeCandidates.get(id);
    if (known) return known;
    const pending = client.candidate(runId, id).then(
      (c) => (wholeCandidates.set(id, c), c),
      () => (wholeCandidates.delete(id), undefined),
    );
    wholeCandidates.set(id, pending);
    return pending;
  }

  const scatter = new ChartPanel('Accuracy against latency of every candidate, Pareto front highlighted', (c) =>
    cloudOption(c, {
      points: pointsOf(device), front: here()?.front ?? [],
      describe: (id, ready) => {
        const found = whole(id);
        if (!(found instanceof Promise)) return candidateTooltip(found);
        void found.then((x) => x && ready(candidateTooltip(x)));
        const p = pointsOf(device);
        const i = p.ids.indexOf(id);
        return pendingTooltip(id, p.xy[2 * i] ?? 0, p.xy[2 * i + 1] ?? 0);
      },
    }), theme, { tall: true, testId: 'chart-front' });
  const budgetMark = new BudgetOverlay(scatter);
  const hypervolume = new ChartPanel('Hypervolume per generation', (c) =>
    lineOption(c, phaseSeries(metrics, hypervolumeMetrics(metrics.names()), c),
      { x: 'generation', y: 'hypervolume', integerX: true }), theme, { testId: 'chart-hypervolume' });

  const slider = h('input', { type: 'range', min: 0, max: SLIDER_STEPS, step: 1, id: 'budget', dataset: { testid: 'budget-slider' } });
  const budgetLabel = h('label', { for: 'budget' });
  const best = h('div');
  const diagrams = new CandidateDiagrams(client, runId);
  const diagram = h('div', { dataset: { testid: 'candidate-diagram' } });
  const frontTable = new DataTable<CandidateDto>({
    caption: 'Pareto front', rowKey: (c) => String(c.id), initialSort: { key: 'latency', dir: 'ascending' },
    onActivate: (c) => setBudget(c.latencyMs),
    rowClass: (c) => (c.id === shownBest ? 'selected' : undefined),
    columns: [
      { key: 'id', label: '#', value: (c) => c.id },
      { key: 'accuracy', label: 'Accuracy', numeric: true, value: (c) => c.accuracy, render: (c) => formatPercent(c.accuracy, 2) },
      { key: 'latency', label: 'Latency', numeric: true, value: (c) => c.latencyMs, render: (c) => formatMs(c.latencyMs) },
      { key: 'bits', label: 'Bits', numeric: true, value: (c) => c.bits, render: (c) => formatCandidateBits(c.bits, c.spec, true) },
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

  function showCard(chosen: CandidateDto | undefined, pendingId?: number): void {
    if (pendingId === undefined) replaceChildren(diagram, chosen ? diagrams.element(chosen.id, chosen.spec) : h('p', { class: 'muted', text: 'No candidate fits this budget.' }));
    replaceChildren(best, pendingId !== undefined
      ? h('div', { class: 'muted', dataset: { testid: 'best-candidate', candidate: String(pendingId) }, text: `Loading #${pendingId}…` })
      : candidateCard(chosen, chosen ? [h('button', { class: 'primary', type: 'button', text: `Export #${chosen.id}…`,
        dataset: { testid: 'export-best' }, onClick: () => navigate({ name: 'export', runId, candidateId: chosen.id }) })] : []));
  }

  /** The label, the card, the front table's highlight and the budget layer: no work proportional to the candidates. */
  function paintBudget(): void {
    const [lo, hi] = range();
    const b = budget();
    slider.value = String(hi > lo ? Math.round(((b - lo) / (hi - lo)) * SLIDER_STEPS) : SLIDER_STEPS);
    const step = bestStep();
    const text = `Latency budget ${formatMs(b)} on ${device}: best ${step ? `#${step.id}, ${formatPercent(step.accuracy)}` : 'none'}`;
    budgetLabel.textContent = text;
    slider.setAttribute('aria-valuetext', text);
    if (step?.id !== shownBest || !best.firstChild) {
      shownBest = step?.id;
      frontTable.setRows(here()?.front ?? []);
      if (!step) showCard(undefined);
      else {
        const found = whole(step.id);
        if (!(found instanceof Promise)) showCard(found);
        else {
          showCard(undefined, step.id);
          void found.then((c) => { if (!disposed && shownBest === c?.id) showCard(c); });
        }
      }
    }
    budgetMark.set({ ms: b, best: step });
  }

  let frame = 0;
  slider.addEventListener('input', () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const [lo, hi] = range();
      setBudget(lo + ((hi - lo) * Number(slider.value)) / SLIDER_STEPS);
    });
  });

  function devicesInOrder(): string[] {
    const present = overview.devices.map((d) => d.device as string);
    const preferred = (detail?.config?.devices ?? []) as string[];
    return [...preferred.filter((d) => present.includes(d)), ...present.filter((d) => !preferred.includes(d))];
  }

  function paint(): void {
    if (!detail) return;
    replaceChildren(header, h('h1', { text: 'Search' }), h('a', { class: 'mono', href: `#/runs/${encodeURIComponent(runId)}`, text: runId }),
      statusBadge(detail.status), h('span', { class: 'muted', text: `${overview.total.toLocaleString('en-US')} candidates` }));
    const devices = devicesInOrder();
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
      void loadPoints(d);
      (tabHolder.querySelector(`[data-tab="${CSS.escape(d)}"]`) as HTMLElement | null)?.focus();
    }));
    paintContent();
  }

  function paintContent(): void {
    if (!body.contains(scatter.el)) {
      replaceChildren(body, h('div', { class: 'grid', style: 'grid-template-columns:minmax(0,2fr) minmax(280px,1fr)' },
        h('section', { class: 'panel' }, h('h2', { text: 'Accuracy vs latency' }), scatter.el),
        h('section', { class: 'panel' }, h('h2', { text: 'Latency budget' }), budgetLabel, slider, h('hr', { class: 'muted' }), best)),
      h('section', { class: 'panel', style: 'margin-top:14px' }, h('h2', { text: 'Best under the budget: blocks, bits, latency' }), diagram),
      h('div', { class: 'grid cols-2', style: 'margin-top:14px' },
        h('section', { class: 'panel' }, h('h2', { text: 'Pareto front' }), frontHolder),
        h('section', { class: 'panel' }, h('h2', { text: 'Hypervolume' }), hypervolume.el)));
    }
    shownBest = undefined;
    best.replaceChildren();
    paintBudget();
    scatter.update();
    hypervolume.update();
  }

  /** Fetches the device's points above those held, page by page (a live search: only the new ones); one fetch per device at a time. */
  function loadPoints(d: string): Promise<void> {
    const running = fetching.get(d);
    if (running) return running.then(() => loadPoints(d));
    const job = (async () => {
      const held = pointsOf(d);
      const target = overview.devices.find((x) => x.device === d)?.lastId ?? 0;
      let after: number | undefined = held.lastId;
      while (!disposed && after !== undefined && held.lastId < target) {
        const page = await client.candidatePoints(runId, d as DeviceName, held.lastId);
        if (disposed) return;
        const first = held.count === 0;
        held.append(page);
        after = page.next;
        // Drawn after the first page (something to see) and after the last (the whole cloud), not at every page.
        if (d === device && (first || after === undefined || held.lastId >= target)) scatter.update();
      }
    })().finally(() => fetching.delete(d));
    fetching.set(d, job);
    return job;
  }

  async function load(): Promise<void> {
    try {
      const [d, ov, list] = await Promise.all([client.getRun(runId), client.candidateOverview(runId), client.metrics(runId)]);
      if (disposed) return;
      detail = d;
      overview = ov;
      for (const dev of ov.devices) for (const c of dev.front) wholeCandidates.set(c.id, c);
      metrics.addAll(list);
      paint();
      if (device) await loadPoints(device);
    } catch (err) {
      if (!disposed) replaceChildren(body, errorState(`Could not load the search ${runId}`, err, () => void load()));
    }
  }
  const refresh = throttle(() => void load(), 1_000);
  const events = client.runEvents$.subscribe((e) => { if (e.runId === runId) refresh(); });
  void load();
  return () => {
    disposed = true;
    if (frame) cancelAnimationFrame(frame);
    events.unsubscribe();
    refresh.cancel();
    scatter.dispose();
    hypervolume.dispose();
  };
};
