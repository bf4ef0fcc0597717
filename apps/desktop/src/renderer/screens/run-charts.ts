import type { RunKind } from '@oqat/jobs';
import { ACCURACY_METRICS } from '../../common/run-events';
import { ChartPanel } from '../charts/chart-panel';
import { type LineAxes, lineOption } from '../charts/line-option';
import type { MetricSeries } from '../model/metric-series';
import { h } from '../ui/dom';
import type { ThemeController } from '../ui/theme';

interface CurveSpec {
  title: string;
  /** the first of these names present in the run is drawn */
  names: readonly string[];
  axes: LineAxes;
  testId: string;
}

const CURVES: Record<string, CurveSpec> = {
  loss: { title: 'Training loss', names: ['loss'], axes: { x: 'step', y: 'loss' }, testId: 'chart-loss' },
  accuracy: { title: 'Accuracy', names: ACCURACY_METRICS, axes: { x: 'step', y: 'accuracy', percent: true }, testId: 'chart-accuracy' },
  lr: { title: 'Learning rate', names: ['lr'], axes: { x: 'step', y: 'lr' }, testId: 'chart-lr' },
  hypervolume: { title: 'Hypervolume', names: ['hypervolume'], axes: { x: 'generation', y: 'hypervolume' }, testId: 'chart-hypervolume' },
};

const BY_KIND: Record<RunKind, string[]> = {
  train: ['loss', 'accuracy', 'lr'],
  search: ['hypervolume'],
  demo: ['loss', 'accuracy', 'lr', 'hypervolume'],
  export: [],
};

/** The live curves of a run, one line per phase (float, 4bit, 3bit, 2bit / one per device for hypervolume). */
export class RunCharts {
  readonly el: HTMLElement;
  private readonly panels: ChartPanel[] = [];
  private revision = -1;

  constructor(kind: RunKind, private readonly metrics: MetricSeries, theme: ThemeController) {
    this.el = h('div', { class: 'grid cols-2' });
    for (const key of BY_KIND[kind]) {
      const spec = CURVES[key]!;
      const panel = new ChartPanel(`${spec.title} per phase`, (c) => {
        const present = this.metrics.names();
        const name = spec.names.find((n) => present.has(n)) ?? spec.names[0]!;
        const series = [...this.metrics.byPhase(name)].map(([phase, data]) => ({ name: phase || name, color: c.phase(phase), data }));
        return lineOption(c, series, spec.axes);
      }, theme, { testId: spec.testId });
      this.panels.push(panel);
      this.el.append(h('section', { class: 'panel' }, h('h2', { text: spec.title }), panel.el));
    }
  }

  /** Redraws when the metrics changed since the last call. */
  update(): void {
    if (this.metrics.revision === this.revision) return;
    this.revision = this.metrics.revision;
    for (const p of this.panels) p.update();
  }

  dispose(): void {
    for (const p of this.panels) p.dispose();
  }
}
