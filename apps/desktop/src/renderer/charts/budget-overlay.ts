import { formatMs } from '../ui/format';
import { baseOption, readChartColors } from './chart-colors';
import type { ChartPanel } from './chart-panel';
import type { BudgetMark } from './cloud-option';

/**
 * The latency budget over a scatter: a dashed line at the budget and a ring
 * around the best candidate under it, as DOM drawn over the chart's canvas at
 * pixels ECharts computes. A slider step moves two elements; the chart with
 * its hundreds of thousands of points is not redrawn.
 */
export class BudgetOverlay {
  private readonly root = document.createElement('div');
  private readonly line = document.createElement('div');
  private readonly label = document.createElement('span');
  private readonly ring = document.createElement('div');
  private mark: BudgetMark | undefined;

  constructor(private readonly panel: ChartPanel) {
    this.root.className = 'budget-overlay';
    this.root.dataset.testid = 'budget-overlay';
    this.root.setAttribute('aria-hidden', 'true');
    this.line.className = 'budget-line';
    this.label.className = 'budget-label';
    this.ring.className = 'budget-ring';
    this.line.append(this.label);
    this.root.append(this.line, this.ring);
    panel.onRendered(() => this.place());
  }

  set(mark: BudgetMark): void {
    this.mark = mark;
    this.place();
  }

  private place(): void {
    const chart = this.panel.instance;
    const mark = this.mark;
    if (!chart || !mark) {
      this.root.hidden = true;
      return;
    }
    if (this.root.parentElement !== this.panel.el) this.panel.el.append(this.root);
    const color = readChartColors().best;
    const { grid } = baseOption(readChartColors());
    const x = chart.convertToPixel({ xAxisIndex: 0 }, mark.ms) as number;
    const height = this.panel.el.clientHeight;
    this.root.hidden = !Number.isFinite(x);
    Object.assign(this.line.style, { left: `${x}px`, top: `${grid.top}px`, height: `${Math.max(0, height - grid.top - grid.bottom)}px`, borderColor: color });
    this.label.textContent = `budget ${formatMs(mark.ms)}`;
    this.label.style.color = color;
    const best = mark.best ? (chart.convertToPixel({ gridIndex: 0 }, [mark.best.latencyMs, mark.best.accuracy]) as number[]) : undefined;
    this.ring.hidden = !best;
    if (best) Object.assign(this.ring.style, { left: `${best[0]}px`, top: `${best[1]}px`, borderColor: color });
  }
}
