import type { LayerDesc } from '../ir/layer-desc';
import { outputHeight, outputWidth, secondOperandChannels } from '../ir/output-shape';

/** A value a layer reads: a fed input tensor, or an earlier layer's output. */
export type ValueRef = { kind: 'feed'; index: number } | { kind: 'layer'; index: number };

export interface Shape3 {
  h: number;
  w: number;
  c: number;
}

export interface ChainStep {
  layer: LayerDesc;
  input: ValueRef;
  /** second operand of add, mul and concat */
  second?: ValueRef;
}

export interface ChainPlan {
  feeds: Shape3[];
  steps: ChainStep[];
  /** layers whose output no later layer reads (runtimes keep them live so nothing is pruned) */
  dangling: number[];
}

/**
 * How a runtime wires a layer list into one graph. The IR is a list, not a
 * graph: a layer reads the latest value whose shape matches its input (its
 * predecessor in a plain chain); add/mul/concat read a second, earlier value
 * of the right shape (the block input of a residual add); a value nothing
 * provides becomes a fed input. Shapes are NHWC-agnostic (h, w, c).
 */
export function planChain(layers: readonly LayerDesc[]): ChainPlan {
  const feeds: Shape3[] = [];
  const values: Array<{ ref: ValueRef; shape: Shape3 }> = [];
  const consumed = new Set<number>();
  const same = (a: Shape3, b: Shape3) => a.h === b.h && a.w === b.w && a.c === b.c;
  const find = (shape: Shape3, exclude?: ValueRef): ValueRef => {
    for (let i = values.length - 1; i >= 0; i--) {
      const v = values[i]!;
      if (exclude && v.ref.kind === exclude.kind && v.ref.index === exclude.index) continue;
      if (same(v.shape, shape)) return v.ref;
    }
    feeds.push(shape);
    const ref: ValueRef = { kind: 'feed', index: feeds.length - 1 };
    values.push({ ref, shape });
    return ref;
  };
  const steps = layers.map((layer, i): ChainStep => {
    const input = find({ h: layer.inH, w: layer.inW, c: layer.inC });
    const step: ChainStep = { layer, input };
    const c2 = secondOperandChannels(layer);
    if (c2 > 0) step.second = find({ h: layer.inH, w: layer.inW, c: c2 }, input);
    for (const r of [step.input, step.second]) if (r?.kind === 'layer') consumed.add(r.index);
    values.push({ ref: { kind: 'layer', index: i }, shape: { h: outputHeight(layer), w: outputWidth(layer), c: layer.outC } });
    return step;
  });
  const dangling = layers.map((_, i) => i).filter((i) => !consumed.has(i));
  return { feeds, steps, dangling };
}
