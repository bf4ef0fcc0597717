import type { NewRunConfig, RunDetail } from '@oqat/jobs';
import { h } from '../ui/dom';
import { formatBits, formatDuration, formatPercent } from '../ui/format';
import { statusBadge } from '../ui/states';

type Row = [label: string, value: (d: RunDetail) => string | HTMLElement];

/** A training setting means nothing for a search run (its request carries the form's defaults): shown as '—'. */
const training = (value: (d: RunDetail) => string): Row[1] => (d) => (d.kind === 'search' ? '—' : value(d));
/** Search settings apply to search runs and to training runs that chain a search. */
const searching = (value: (d: RunDetail) => string): Row[1] => (d) => (d.kind === 'search' || (cfg(d).devices ?? []).length > 0 ? value(d) : '—');

const ROWS: Row[] = [
  ['kind', (d) => d.kind],
  ['status', (d) => statusBadge(d.status)],
  ['task', (d) => d.task],
  ['bits', (d) => formatBits(d.bits)],
  ['best accuracy', (d) => formatPercent(d.bestAccuracy, 2)],
  ['duration', (d) => formatDuration(d.startedAt && d.finishedAt ? d.finishedAt - d.startedAt : undefined)],
  ['seed', (d) => String(d.seed)],
  ['dataset', training((d) => cfg(d).dataset ?? '—')],
  ['space', training((d) => cfg(d).space ?? '—')],
  ['epochs (float / first / inherited)', training((d) => {
    const e = cfg(d).epochs;
    return e ? `${e.float ?? '—'} / ${e.first ?? '—'} / ${e.inherited ?? '—'}` : '—';
  })],
  ['backend', (d) => cfg(d).backend ?? '—'],
  ['devices', (d) => (cfg(d).devices ?? []).join(', ') || '—'],
  ['generations × population', searching((d) => (cfg(d).generations ? `${cfg(d).generations} × ${cfg(d).population ?? '—'}` : '—'))],
  ['training images / epoch', training((d) => String(cfg(d).limitTrainImages || 'all'))],
  ['searched run', (d) => cfg(d).checkpointRunId ?? '—'],
];

/** A stored config may predate a field: read it as partial. */
function cfg(d: RunDetail): Partial<NewRunConfig> & { epochs?: Partial<NewRunConfig['epochs']> } {
  return (d.config ?? {}) as Partial<NewRunConfig>;
}

/** Runs side by side, one column each; rows whose values differ are marked. */
export function compareTable(details: RunDetail[]): HTMLElement {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', dataset: { testid: 'compare-table' } },
    h('caption', { class: 'visually-hidden', text: 'Runs side by side' }),
    h('thead', null, h('tr', null, h('th', { scope: 'col', text: '' }),
      details.map((d) => h('th', { scope: 'col' }, h('a', { class: 'mono', href: `#/runs/${encodeURIComponent(d.id)}`, text: d.id }))))),
    h('tbody', null, ROWS.map(([label, value]) => {
      const cells = details.map(value);
      const texts = cells.map((c) => (typeof c === 'string' ? c : c.textContent ?? ''));
      const differs = new Set(texts).size > 1;
      return h('tr', null, h('th', { scope: 'row', class: differs ? 'diff' : undefined, text: differs ? `${label} ≠` : label }),
        cells.map((c) => h('td', null, c)));
    }))));
}
