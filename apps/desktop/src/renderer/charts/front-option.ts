import type { CandidateDto } from '@oqat/jobs';
import { formatBytes, formatCount, formatMs, formatPercent, formatSpec } from '../ui/format';
import { type ChartColors, baseOption } from './chart-colors';
import type { ChartBuild } from './chart-panel';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Tooltip of one candidate (ECharts renders it as HTML, so every value is escaped). */
export function candidateTooltip(c: CandidateDto): string {
  const rows: Array<[string, string]> = [
    ['accuracy', `${formatPercent(c.accuracy, 2)}${c.predicted ? ' (predicted)' : ''}`],
    ['latency', formatMs(c.latencyMs)],
    ['bits', String(c.bits)],
    ['BitOPs', formatCount(c.bitops)],
    ['MACs', formatCount(c.macs)],
    ['model', formatBytes(c.modelBytes)],
    ...(c.generation !== undefined ? [['generation', String(c.generation)] as [string, string]] : []),
  ];
  return `<b>#${c.id}</b> on ${escapeHtml(c.device)}${c.onFront ? ' · Pareto front' : ''}<br/>` +
    rows.map(([k, v]) => `${escapeHtml(k)}: <b>${escapeHtml(v)}</b>`).join('<br/>') +
    `<br/><span class="tooltip-spec">${escapeHtml(formatSpec(c.spec, 120))}</span>`;
}

export interface FrontSet {
  name: string;
  color: string;
  all: CandidateDto[];
  front: CandidateDto[];
}

/**
 * Accuracy–latency scatter: every candidate dimmed, the Pareto front drawn as
 * a step line on top; several sets overlay (Compare). The Search screen, built
 * for any number of candidates, draws with cloudOption instead.
 */
export function frontOption(c: ChartColors, sets: FrontSet[]): ChartBuild {
  const base = baseOption(c);
  const point = (x: CandidateDto) => ({ value: [x.latencyMs, x.accuracy], candidate: x });
  const series: object[] = [];
  for (const set of sets) {
    const onFront = new Set(set.front.map((x) => x.id));
    series.push({
      type: 'scatter', name: sets.length > 1 ? `${set.name} candidates` : 'candidates', symbolSize: 6,
      data: set.all.filter((x) => !onFront.has(x.id)).map(point),
      itemStyle: { color: sets.length > 1 ? set.color : c.point, opacity: sets.length > 1 ? 0.35 : 0.75 },
    });
    series.push({
      type: 'line', name: sets.length > 1 ? `${set.name} front` : 'Pareto front', step: 'end', symbol: 'circle',
      symbolSize: 9, data: set.front.map(point), z: 3,
      lineStyle: { color: sets.length > 1 ? set.color : c.front, width: 2 },
      itemStyle: { color: sets.length > 1 ? set.color : c.front, borderColor: c.panel, borderWidth: 1 },
    });
  }
  return {
    points: sets.reduce((n, s) => n + s.all.length, 0),
    option: {
      ...base,
      tooltip: {
        ...base.tooltip, trigger: 'item', confine: true, extraCssText: 'max-width:380px;white-space:normal;overflow-wrap:anywhere',
        formatter: (p: { data?: { candidate?: CandidateDto } }) => (p.data?.candidate ? candidateTooltip(p.data.candidate) : ''),
      },
      xAxis: { type: 'value', name: 'latency (ms)', nameLocation: 'middle', nameGap: 26, scale: true, ...base.axis },
      yAxis: {
        type: 'value', name: 'accuracy', scale: true, ...base.axis,
        axisLabel: { ...base.axis.axisLabel, formatter: (v: number) => `${+(v * 100).toFixed(1)}%` },
      },
      series,
    },
  };
}
