import { type ChartColors, baseOption } from './chart-colors';
import type { ChartBuild } from './chart-panel';

export interface LineSeries {
  name: string;
  color: string;
  data: Array<[number, number]>;
  dashed?: boolean;
}

export interface LineAxes {
  x: string;
  y: string;
  /** values are 0..1 shown as percent */
  percent?: boolean;
  logY?: boolean;
  /** x takes whole numbers only (generations) */
  integerX?: boolean;
}

/** A line chart with one series per phase (or per run when overlaid), zoomable on x. */
export function lineOption(c: ChartColors, series: LineSeries[], axes: LineAxes): ChartBuild {
  const base = baseOption(c);
  const fmt = (v: number): string => (axes.percent ? `${(v * 100).toFixed(1)}%` : Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(1) : String(+v.toPrecision(4)));
  return {
    points: series.reduce((n, s) => n + s.data.length, 0),
    option: {
      ...base,
      tooltip: { ...base.tooltip, valueFormatter: (v: unknown) => (typeof v === 'number' ? fmt(v) : String(v)) },
      xAxis: { type: 'value', name: axes.x, nameLocation: 'middle', nameGap: 26, ...base.axis, min: 'dataMin', max: 'dataMax',
        minInterval: axes.integerX ? 1 : undefined },
      yAxis: {
        type: axes.logY ? 'log' : 'value', name: axes.y, scale: true, ...base.axis,
        axisLabel: { ...base.axis.axisLabel, formatter: (v: number) => fmt(v) },
      },
      dataZoom: [{ type: 'inside', xAxisIndex: 0 }],
      series: series.map((s) => ({
        type: 'line', name: s.name, data: s.data, showSymbol: s.data.length < 40, symbolSize: 5, smooth: false,
        lineStyle: { width: 2, color: s.color, type: s.dashed ? 'dashed' : 'solid' }, itemStyle: { color: s.color },
        emphasis: { focus: 'series' },
      })),
    },
  };
}
