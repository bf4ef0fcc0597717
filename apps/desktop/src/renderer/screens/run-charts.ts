import type { RunKind } from '@oqat/jobs';
import { isAccuracyMetric } from '../../common/run-events';
import type { ChartColors } from '../charts/chart-colors';
import { ChartPanel } from '../charts/chart-panel';
import { type LineAxes, type LineSeries, lineOption } from '../charts/line-option';
import type { MetricSeries } from '../model/metric-series';
import { h } from '../ui/dom';
import type { ThemeController } from '../ui/theme';

interface CurveSpec {
  title: string;
  /** metric names drawn in this chart */
  pick: (names: Set<string>) => string[];
  axes: LineAxes;
  testId: string;
}

const one = (name: string) => (names: Set<string>) => (names.has(name) ? [name] : []);

/** `hypervolume` or one `hypervolume/<device>` per device (phase = device). */
export function hypervolumeMetrics(names: Set<string>): string[] {
  return [...names].filter((n) => n === 'hypervolume' || n.startsWith('hypervolume/')).sort();
}

const CURVES: Record<string, CurveSpec> = {
  loss: { title: 'Training loss', pick: one('loss'), axes: { x: 'step', y: 'loss', integerX: true }, testId: 'chart-loss' },
  accuracy: {
    title: 'Accuracy', pick: (names) => [...names].filter(isAccuracyMetric).sort(),
    axes: { x: 'step', y: 'accuracy', percent: true, integerX: true }, testId: 'chart-accuracy',
  },
  lr: { title: 'Learning rate', pick: one('lr'), axes: { x: 'step', y: 'lr', integerX: true }, testId: 'chart-lr' },
  hypervolume: { title: 'Hypervolume', pick: hypervolumeMetrics, axes: { x: 'generation', y: 'hypervolume', integerX: true }, testId: 'chart-hypervolume' },
  // SQ runs only (the panel appears with the first sqShare metric): the share of weights each step quantized.
  sq: { title: 'SQ quantized share', pick: one('sqShare'), axes: { x: 'step', y: 'quantized share', percent: true, integerX: true }, testId: 'chart-sq' },
};

/** Curves drawn only once a run has reported their metric (method-specific ones). */
const ON_METRIC: Record<string, string> = { sq: 'sqShare' };

const BY_KIND: Record<RunKind, string[]> = {
  train: ['loss', 'accuracy', 'lr', 'sq'],
  search: ['hypervolume'],
  demo: ['loss', 'accuracy', 'lr', 'hypervolume'],
  export: [],
  tune: [],
  quantize: [],
  compress: [],
  // oqat finetune: its loss per step, and top-1 digital and on the analog device before (step 0) and after.
  finetune: ['loss', 'accuracy'],
};

/** The curves a run of `kind` shows once it has reported `names`: its kind's, the metric-gated ones (SQ's) once their metric came. */
export function runCurves(kind: RunKind, names: Set<string>): string[] {
  return BY_KIND[kind].filter((key) => !ON_METRIC[key] || names.has(ON_METRIC[key]));
}

/**
 * Series of one chart: one line per phase (float, 4bit, 3bit, 2bit; one per
 * device for hypervolume). Several names in one chart (top1/largest,
 * top1/smallest, ...) share the phase colour; all but the largest are dashed.
 */
export function phaseSeries(metrics: MetricSeries, names: string[], c: ChartColors): LineSeries[] {
  return names.flatMap((name) => [...metrics.byPhase(name)].map(([phase, data]) => {
    const slash = name.indexOf('/');
    // 'top1/smallest' in phase '4bit' → "4bit smallest"; 'hypervolume/fpga' in phase 'fpga' → "fpga"
    const which = slash >= 0 && name.slice(slash + 1) !== phase ? name.slice(slash + 1) : '';
    return {
      name: names.length > 1 && which ? `${phase || name} ${which}` : phase || name,
      color: c.phase(phase), data, dashed: names.length > 1 && which !== '' && which !== 'largest',
    };
  }));
}

/** The live curves of a run. */
export class RunCharts {
  readonly el: HTMLElement;
  private readonly panels: ChartPanel[] = [];
  private revision = -1;

  /** the curves drawn so far (metric-gated ones join when their metric arrives) */
  private readonly shown = new Set<string>();

  constructor(private readonly kind: RunKind, private readonly metrics: MetricSeries, private readonly theme: ThemeController) {
    this.el = h('div', { class: 'grid cols-2' });
    this.addPanels();
  }

  /** Redraws when the metrics changed since the last call. */
  update(): void {
    if (this.metrics.revision === this.revision) return;
    this.revision = this.metrics.revision;
    this.addPanels();
    for (const p of this.panels) p.update();
  }

  /** Adds a panel for each curve the run shows now and has none yet. */
  private addPanels(): void {
    for (const key of runCurves(this.kind, this.metrics.names())) {
      if (this.shown.has(key)) continue;
      this.shown.add(key);
      this.addPanel(key);
    }
  }

  private addPanel(key: string): void {
    const spec = CURVES[key]!;
    const panel = new ChartPanel(`${spec.title} per phase`, (c) =>
      lineOption(c, phaseSeries(this.metrics, spec.pick(this.metrics.names()), c), spec.axes), this.theme, { testId: spec.testId });
    this.panels.push(panel);
    this.el.append(h('section', { class: 'panel' }, h('h2', { text: spec.title }), panel.el));
  }

  dispose(): void {
    for (const p of this.panels) p.dispose();
  }
}
