import type { CandidateDto } from '@oqat/jobs';
import { h } from '../ui/dom';
import { formatBytes, formatCandidateBits, formatCount, formatMs, formatPercent } from '../ui/format';

/** The facts of one candidate: accuracy, latency on every device, bits, BitOPs, MACs, bytes (its architecture: block-diagram.ts). */
export function candidateCard(c: CandidateDto | undefined, actions: Node[] = []): HTMLElement {
  if (!c) return h('div', { class: 'muted', dataset: { testid: 'best-candidate' }, text: 'No candidate fits this budget.' });
  const latencies = Object.entries(c.latencies).map(([d, ms]) => `${d} ${formatMs(ms)}`).join(' · ');
  return h('div', { dataset: { testid: 'best-candidate', candidate: String(c.id) } },
    h('dl', { class: 'dl' },
      h('dt', { text: 'candidate' }), h('dd', { class: 'mono', text: `#${c.id}${c.generation !== undefined ? ` (generation ${c.generation})` : ''}` }),
      h('dt', { text: 'accuracy' }), h('dd', { text: `${formatPercent(c.accuracy, 2)}${c.predicted ? ' (predicted)' : ''}` }),
      h('dt', { text: `latency (${c.device})` }), h('dd', { text: formatMs(c.latencyMs) }),
      h('dt', { text: 'all devices' }), h('dd', { text: latencies || '—' }),
      h('dt', { text: 'bits' }), h('dd', { text: formatCandidateBits(c.bits, c.spec) }),
      h('dt', { text: 'BitOPs' }), h('dd', { text: formatCount(c.bitops) }),
      h('dt', { text: 'MACs' }), h('dd', { text: formatCount(c.macs) }),
      h('dt', { text: 'model size' }), h('dd', { text: formatBytes(c.modelBytes) })),
    actions.length ? h('div', { class: 'toolbar', style: 'margin-top:10px' }, actions) : null);
}
