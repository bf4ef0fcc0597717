import type { CandidateDto } from '@oqat/jobs';
import type { DevicePoints } from '../model/device-points';
import { formatMs, formatPercent } from '../ui/format';
import { type ChartColors, baseOption } from './chart-colors';
import type { ChartBuild } from './chart-panel';
import { candidateTooltip } from './front-option';

export interface BudgetMark {
  ms: number;
  best?: { latencyMs: number; accuracy: number };
}

export interface CloudView {
  points: DevicePoints;
  front: CandidateDto[];
  /** the whole candidate behind a point, when already fetched; else fetches it and calls `ready` */
  describe(id: number, ready: (html: string) => void): string;
}

/**
 * Accuracy–latency of one device's candidates at any count: every point in
 * ECharts' large mode from a flat Float32Array (no object per point), the
 * front as a step line on top (the budget is drawn over it: BudgetOverlay).
 */
export function cloudOption(c: ChartColors, view: CloudView): ChartBuild {
  const base = baseOption(c);
  const { points } = view;
  const frontPoint = (x: CandidateDto) => ({ value: [x.latencyMs, x.accuracy], candidate: x });
  return {
    points: points.count,
    option: {
      ...base,
      tooltip: {
        ...base.tooltip, trigger: 'item', confine: true, extraCssText: 'max-width:380px;white-space:normal;overflow-wrap:anywhere',
        formatter: (p: { seriesId?: string; dataIndex: number; data?: { candidate?: CandidateDto } }, ticket: string,
          callback: (ticket: string, html: string) => void) => {
          if (p.data && typeof p.data === 'object' && 'candidate' in p.data && p.data.candidate) return candidateTooltip(p.data.candidate);
          if (p.seriesId !== 'candidates') return '';
          const id = points.ids[p.dataIndex];
          if (id === undefined) return '';
          return view.describe(id, (html) => callback(ticket, html));
        },
      },
      xAxis: { type: 'value', name: 'latency (ms)', nameLocation: 'middle', nameGap: 26, scale: true, ...base.axis },
      yAxis: {
        type: 'value', name: 'accuracy', scale: true, ...base.axis,
        axisLabel: { ...base.axis.axisLabel, formatter: (v: number) => `${+(v * 100).toFixed(1)}%` },
      },
      series: [
        {
          id: 'candidates', type: 'scatter', name: 'candidates', large: true, largeThreshold: 2_000, progressive: 0, symbolSize: points.count > 20_000 ? 2 : 5,
          dimensions: ['latency', 'accuracy'], data: points.pairs(), itemStyle: { color: c.point, opacity: 0.6 },
          emphasis: { disabled: points.count > 20_000 },
        },
        {
          id: 'front', type: 'line', name: 'Pareto front', step: 'end', symbol: 'circle', symbolSize: 8, z: 3,
          data: view.front.map(frontPoint),
          lineStyle: { color: c.front, width: 2 }, itemStyle: { color: c.front, borderColor: c.panel, borderWidth: 1 },
        },
      ],
    },
  };
}

/** Tooltip text of a point whose candidate is still being fetched. */
export function pendingTooltip(id: number, latencyMs: number, accuracy: number): string {
  return `<b>#${id}</b><br/>accuracy: <b>${formatPercent(accuracy, 2)}</b><br/>latency: <b>${formatMs(latencyMs)}</b>`;
}
