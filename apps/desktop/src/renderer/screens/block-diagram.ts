import type { CandidateLayout, LayoutBlock, LayoutLayer } from '@oqat/jobs';
import type { StudioClient } from '../client/studio-client';
import { h, replaceChildren } from '../ui/dom';
import { formatMs, formatSpec } from '../ui/format';

/** How a layer is named in its box: the last part of its supernet name. */
const PART_LABELS: Record<string, string> = {
  stem: 'conv', expand: 'expand', dw: 'dw', se: 'SE', project: 'project', mix: 'mix', classifier: 'classifier', high: 'gated', avgpool: 'pool',
};
/** Layers that carry no weights: folded into their box's caption, not drawn as rows. */
const CAPTION_OPS = new Set(['add', 'mul', 'upsample', 'avgpool']);

const percent = (share: number | undefined): string => (share === undefined ? '' : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`);
const bitsText = (bits: number): string => (bits >= 32 ? 'float' : `${bits} bit`);

/** A bits chip in the app's colour of that width (the training curves' phase colours). */
function bitsChip(bits: number): HTMLElement {
  return h('span', { class: 'bits-chip', style: `--bits-color: var(--phase-${bits >= 32 ? 'float' : `${bits}bit`}, var(--accent))`, dataset: { bits: String(bits) }, text: bits >= 32 ? 'fp' : `${bits}b` });
}

function layerLabel(l: LayoutLayer, block: LayoutBlock): string {
  const part = l.name.split('.').pop()!;
  if (part === 'dw' && block.kernel) return `dw ${block.kernel}×${block.kernel}`;
  if (part === 'stem' && block.kernel) return `conv ${block.kernel}×${block.kernel}`;
  return PART_LABELS[part] ?? part;
}

/** One box: title and share, the block's choices, a row per weighted layer (bits, a bar of its share), the latency bar. */
function blockBox(title: string, block: LayoutBlock, maxShare: number, maxLayerShare: number): HTMLElement {
  const facts = [
    block.kernel && block.expand !== undefined ? `k${block.kernel}` : null,
    block.expand !== undefined ? `e${block.expand}` : null,
    block.se ? 'SE' : null,
    block.stride && block.stride > 1 ? `stride ${block.stride}` : null,
    block.residual ? '+ residual' : null,
    block.layers.some((l) => l.op === 'avgpool') ? 'pool' : null,
  ].filter(Boolean).join(' · ');
  const rows = block.layers.filter((l) => !CAPTION_OPS.has(l.op)).map((l) => h('li', {
    class: l.elastic ? 'layer elastic' : 'layer', dataset: { layer: l.name, bits: String(l.bits) },
    title: `${l.name}: ${bitsText(l.bits)}${l.elastic ? '' : ' (fixed precision)'}${l.ms !== undefined ? `, ${formatMs(l.ms)} (${percent(l.share)} of the layers)` : ''}`,
    style: l.share !== undefined && maxLayerShare > 0 ? `--layer-share: ${((l.share / maxLayerShare) * 100).toFixed(1)}%` : undefined,
  }, h('span', { class: 'layer-name', text: layerLabel(l, block) }), bitsChip(l.bits)));
  return h('div', { class: 'diagram-block', dataset: { testid: 'diagram-block', block: block.name }, role: 'group', 'aria-label': `${title}${block.share !== undefined ? `, ${percent(block.share)} of latency` : ''}` },
    h('div', { class: 'diagram-block-title' }, h('span', { text: title }), h('span', { class: 'diagram-share', text: percent(block.share) })),
    facts ? h('div', { class: 'diagram-facts', text: facts }) : null,
    h('ul', { class: 'diagram-layers' }, rows),
    block.share !== undefined ? h('div', { class: 'diagram-bar', 'aria-hidden': 'true' },
      h('div', { style: `width: ${maxShare > 0 ? ((block.share / maxShare) * 100).toFixed(1) : 0}%` })) : null);
}

function column(title: string, sub: string, boxes: HTMLElement[], testId?: string): HTMLElement {
  return h('section', { class: 'diagram-column', dataset: testId ? { testid: testId } : undefined },
    h('header', null, h('strong', { text: title }), sub ? h('span', { class: 'muted', text: sub }) : null), boxes);
}

/** Every box of the diagram in forward order: stem, first block, the stages' blocks, head. */
const boxesOf = (layout: CandidateLayout): LayoutBlock[] =>
  [layout.stem, layout.firstBlock, ...layout.stages.flatMap((s) => s.blocks), layout.head].filter((b): b is LayoutBlock => b !== undefined);

/** "4 bit, uniform" or "4 bit, mixed: 3 layers at 2 bit, 2 at 3 bit": what the subnet's elastic layers run at. */
export function bitsSummary(layout: CandidateLayout): string {
  if (!layout.mixed) return `${bitsText(layout.bits)}, uniform`;
  const others = new Map<number, number>();
  for (const b of boxesOf(layout)) {
    for (const l of b.layers) if (l.elastic && l.bits !== layout.bits) others.set(l.bits, (others.get(l.bits) ?? 0) + 1);
  }
  const parts = [...others].sort((a, b) => a[0] - b[0]).map(([bits, n], i) => `${n}${i === 0 ? ` layer${n === 1 ? '' : 's'}` : ''} at ${bitsText(bits)}`);
  return `${bitsText(layout.bits)}, mixed: ${parts.join(', ')}`;
}

/**
 * A candidate as a block diagram: stem (and the fixed first block), each
 * stage's blocks (kernel, expand ratio, SE, stride, residual), the head;
 * each layer's bits as a coloured chip and each block's share of the
 * device's predicted latency as a bar (layers: a shade behind their row).
 * Columns wrap on narrow windows.
 */
export function blockDiagram(layout: CandidateLayout): HTMLElement {
  const groups = boxesOf(layout);
  const maxShare = Math.max(0, ...groups.map((b) => b.share ?? 0));
  const maxLayerShare = Math.max(0, ...groups.flatMap((b) => b.layers.map((l) => l.share ?? 0)));
  const box = (title: string, b: LayoutBlock) => blockBox(title, b, maxShare, maxLayerShare);
  const blocks = layout.stages.reduce((n, s) => n + s.blocks.length, 0);
  const latency = layout.layersMs !== undefined
    ? `${layout.device}: ${formatMs(layout.latencyMs)} predicted, ${formatMs(layout.layersMs)} in its layers; bars: each block's share of those`
    : `${layout.device}: ${formatMs(layout.latencyMs)} predicted; no per-layer figures (${layout.latencyUnavailable ?? 'none given'})`;
  const columns = [
    column('Input', `${layout.resolution}×${layout.resolution}`, [box('Stem', layout.stem), ...(layout.firstBlock ? [box('First block', layout.firstBlock)] : [])]),
    ...layout.stages.map((s) => column(`Stage ${s.index + 1}`, `${s.outC} ch · ${s.blocks.length} block${s.blocks.length === 1 ? '' : 's'}`,
      s.blocks.map((b, j) => box(`Block ${s.index + 1}.${j + 1}`, b)), 'diagram-stage')),
    column('Head', `${layout.head.outC ?? ''} out`, [box('Head', layout.head)]),
  ];
  return h('figure', {
    class: 'block-diagram', dataset: { testid: 'block-diagram', stages: String(layout.stages.length), blocks: String(blocks), candidate: String(layout.candidateId) },
    'aria-label': `Block diagram of candidate ${layout.candidateId}: ${layout.stages.length} stages, ${blocks} blocks, ${bitsSummary(layout)}`,
  },
  h('figcaption', null,
    h('span', { class: 'diagram-bits', dataset: { testid: 'diagram-bits' } }, bitsChip(layout.bits), ` ${bitsSummary(layout)}`),
    h('span', { class: 'muted', text: ` · fixed layers (stem, SE, classifier) ${bitsText(layout.fixedBits)} · ${latency}` })),
  h('div', { class: 'diagram-columns' }, columns));
}

/**
 * The Search and Export screens' diagram of one candidate: fetched from the
 * service once per candidate (a budget slider revisits them), drawn when it
 * arrives; where the service cannot draw it (a run without its checkpoint),
 * the reason and the spec as text.
 */
export class CandidateDiagrams {
  private readonly layouts = new Map<number, Promise<CandidateLayout>>();

  constructor(private readonly client: StudioClient, private readonly runId: string) {}

  element(candidateId: number, spec: unknown): HTMLElement {
    const holder = h('div', { class: 'diagram-holder', dataset: { candidate: String(candidateId) } }, h('p', { class: 'muted', text: `Drawing #${candidateId}…` }));
    let pending = this.layouts.get(candidateId);
    if (!pending) {
      pending = this.client.candidateLayout(this.runId, candidateId);
      this.layouts.set(candidateId, pending);
      pending.catch(() => this.layouts.delete(candidateId));
    }
    pending.then(
      (layout) => replaceChildren(holder, blockDiagram(layout)),
      (err) => replaceChildren(holder,
        h('p', { class: 'muted', dataset: { testid: 'diagram-unavailable' }, text: `No block diagram: ${err instanceof Error ? err.message : String(err)}` }),
        h('p', { class: 'mono', text: formatSpec(spec, 400) })),
    );
    return holder;
  }
}
