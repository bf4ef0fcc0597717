import type { CandidateDto, RunDetail, RunSummary } from '@oqat/jobs';
import { mainAccuracyMetric } from '../../common/run-events';
import type { Route } from '../app/route';
import type { Screen } from '../app/screen';
import { ChartPanel } from '../charts/chart-panel';
import { frontOption } from '../charts/front-option';
import { type LineAxes, lineOption } from '../charts/line-option';
import { MetricSeries } from '../model/metric-series';
import { devicesOf, frontOf } from '../model/pareto';
import { h, replaceChildren, throttle } from '../ui/dom';
import { emptyState, errorState, loadingState } from '../ui/states';
import { compareTable } from './compare-table';

interface Loaded {
  detail: RunDetail;
  metrics: MetricSeries;
  candidates: CandidateDto[];
}

/** Two or more runs side by side: config and results, curves overlaid, fronts overlaid. */
export const compareScreen: Screen<Extract<Route, { name: 'compare' }>> = (root, ctx, route) => {
  const { client, navigate, theme } = ctx;
  const ids = route.runIds;
  let loaded: Loaded[] = [];
  let device = '';
  let disposed = false;
  const picker = h('fieldset', { class: 'panel', dataset: { testid: 'compare-picker' } }, h('legend', { text: 'Runs to compare' }), loadingState());
  const body = h('div', { class: 'grid', style: 'margin-top:14px' });
  root.append(h('div', { class: 'screen-header' }, h('h1', { text: 'Compare' })), picker, body);

  client.listRuns().then((runs: RunSummary[]) => {
    replaceChildren(picker, h('legend', { text: 'Runs to compare (two or more)' }), h('div', { class: 'choices' },
      [...runs].sort((a, b) => b.createdAt - a.createdAt).map((r) => h('label', null, h('input', {
        type: 'checkbox', checked: ids.includes(r.id), value: r.id,
        onChange: (e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          navigate({ name: 'compare', runIds: on ? [...ids, r.id] : ids.filter((i) => i !== r.id) }, { replace: true });
        },
      }), ` ${r.id} `, h('span', { class: 'muted', text: `${r.kind} · ${r.status}` })))));
  }, (err) => replaceChildren(picker, errorState('Could not load the runs', err)));

  const overlay = (pick: (names: Set<string>) => string | undefined, axes: LineAxes, testId: string) =>
    new ChartPanel(`${axes.y} of the compared runs`, (c) => lineOption(c, loaded.map((l, i) => {
      const name = pick(l.metrics.names());
      return { name: l.detail.id, color: c.palette[i % c.palette.length]!, data: name ? l.metrics.all(name) : [] };
    }).filter((s) => s.data.length > 0), axes), theme, { testId });
  const charts = [
    overlay(() => 'loss', { x: 'step', y: 'loss', integerX: true }, 'compare-loss'),
    overlay(mainAccuracyMetric, { x: 'step', y: 'top-1 (largest)', percent: true, integerX: true }, 'compare-accuracy'),
  ];
  const fronts = new ChartPanel('Pareto fronts of the compared runs', (c) => frontOption(c, loaded
    .filter((l) => l.candidates.some((x) => x.device === device))
    .map((l, i) => {
      const all = l.candidates.filter((x) => x.device === device);
      return { name: l.detail.id, color: c.palette[i % c.palette.length]!, all, front: frontOf(all) };
    })), theme, { testId: 'compare-fronts' });

  function paint(): void {
    const hasCurves = loaded.some((l) => l.metrics.size > 0 && l.detail.kind !== 'search');
    const devices = devicesOf(loaded.flatMap((l) => l.candidates));
    if (!devices.includes(device)) device = devices[0] ?? '';
    const deviceSelect = h('select', { 'aria-label': 'Device of the fronts', onChange: (e: Event) => {
      device = (e.target as HTMLSelectElement).value;
      fronts.update();
    } }, devices.map((d) => h('option', { value: d, text: d, selected: d === device })));
    replaceChildren(body,
      h('section', { class: 'panel' }, h('h2', { text: 'Side by side' }), compareTable(loaded.map((l) => l.detail))),
      hasCurves ? h('div', { class: 'grid cols-2' },
        h('section', { class: 'panel' }, h('h2', { text: 'Loss (all phases)' }), charts[0]!.el),
        h('section', { class: 'panel' }, h('h2', { text: 'Accuracy (all phases)' }), charts[1]!.el)) : null,
      devices.length ? h('section', { class: 'panel' }, h('div', { class: 'toolbar' }, h('h2', { text: 'Pareto fronts on', style: 'margin:0' }), deviceSelect),
        fronts.el) : null);
    for (const c of [...charts, fronts]) c.update();
  }

  async function load(): Promise<void> {
    if (ids.length < 2) {
      replaceChildren(body, emptyState('Pick two or more runs', 'Tick runs above, or select them in the Runs table and press "Compare selected".'));
      return;
    }
    if (loaded.length === 0) replaceChildren(body, loadingState());
    try {
      const next = await Promise.all(ids.map(async (id) => {
        const [detail, points, candidates] = await Promise.all([client.getRun(id), client.metrics(id), client.candidates(id)]);
        const metrics = new MetricSeries();
        metrics.addAll(points);
        return { detail, metrics, candidates };
      }));
      if (disposed) return;
      loaded = next;
      paint();
    } catch (err) {
      replaceChildren(body, errorState('Could not load the runs to compare', err, () => void load()));
    }
  }
  const refresh = throttle(() => void load(), 2_000);
  const events = client.runEvents$.subscribe((e) => { if (ids.includes(e.runId) && e.kind !== 'metric') refresh(); });
  void load();
  return () => {
    disposed = true;
    events.unsubscribe();
    refresh.cancel();
    for (const c of [...charts, fronts]) c.dispose();
  };
};
