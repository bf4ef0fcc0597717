import type { ThemeController } from '../ui/theme';
import { type ChartColors, readChartColors } from './chart-colors';
import { type ChartOption, type EChartsType, echarts } from './echarts-setup';

export interface ChartBuild {
  option: ChartOption;
  /** number of data points drawn (exposed as data-points for tests and screen readers) */
  points: number;
}

/**
 * One ECharts instance in a div: created once the div has a size, resized
 * with it, rebuilt on theme change, disposed with the screen. `update()`
 * re-reads the screen's data through `build`.
 */
export class ChartPanel {
  readonly el: HTMLDivElement;
  private chart: EChartsType | undefined;
  private readonly observer: ResizeObserver;
  private readonly offTheme: () => void;
  private readonly rendered = new Set<() => void>();

  constructor(
    label: string,
    private readonly build: (colors: ChartColors) => ChartBuild,
    theme: ThemeController,
    options: { tall?: boolean; testId?: string } = {},
  ) {
    this.el = document.createElement('div');
    this.el.className = options.tall ? 'chart tall' : 'chart';
    this.el.setAttribute('role', 'img');
    this.el.setAttribute('aria-label', label);
    if (options.testId) this.el.dataset.testid = options.testId;
    this.el.dataset.points = '0';
    this.observer = new ResizeObserver(() => this.onResize());
    this.observer.observe(this.el);
    this.offTheme = theme.onChange(() => {
      this.chart?.dispose();
      this.chart = undefined;
      this.onResize();
    });
  }

  get instance(): EChartsType | undefined {
    return this.chart;
  }

  update(): void {
    if (!this.chart) return;
    const { option, points } = this.build(readChartColors());
    this.chart.setOption(option, { replaceMerge: ['series'], lazyUpdate: true });
    this.el.dataset.points = String(points);
  }

  /** Called after every finished render (drawings over the chart follow its axes). */
  onRendered(listener: () => void): void {
    this.rendered.add(listener);
  }

  private onResize(): void {
    if (this.el.clientWidth === 0 || this.el.clientHeight === 0) return;
    if (this.chart) {
      this.chart.resize();
      return;
    }
    this.chart = echarts.init(this.el, undefined, { renderer: 'canvas' });
    // data-renders counts finished renders, data-drawn-points is data-points as of the last one (a benchmark waits on them).
    let renders = 0;
    this.chart.on('finished', () => {
      this.el.dataset.drawnPoints = this.el.dataset.points;
      this.el.dataset.renders = String(++renders);
      for (const listener of this.rendered) listener();
    });
    this.update();
    this.el.dispatchEvent(new CustomEvent('chart-ready', { bubbles: false }));
  }

  dispose(): void {
    this.rendered.clear();
    this.observer.disconnect();
    this.offTheme();
    this.chart?.dispose();
    this.chart = undefined;
  }
}
