import { describe, expect, it } from 'vitest';
import type { LayerDesc } from '../ir/layer-desc';
import { planChain } from './chain-plan';

const base = { inH: 8, inW: 8, kernel: 1, stride: 1, groups: 1, wBits: 8, aBits: 8 } as const;

describe('planChain', () => {
  it('wires an inverted-residual block: chain, then the residual add reads the block input', () => {
    const layers: LayerDesc[] = [
      { ...base, op: 'conv', inC: 16, outC: 48 },
      { ...base, op: 'dwconv', inC: 48, outC: 48, groups: 48, kernel: 3 },
      { ...base, op: 'conv', inC: 48, outC: 16 },
      { ...base, op: 'add', inC: 16, outC: 16 },
    ];
    const plan = planChain(layers);
    expect(plan.feeds).toEqual([{ h: 8, w: 8, c: 16 }]);
    expect(plan.steps.map((s) => s.input)).toEqual([
      { kind: 'feed', index: 0 },
      { kind: 'layer', index: 0 },
      { kind: 'layer', index: 1 },
      { kind: 'layer', index: 2 },
    ]);
    expect(plan.steps[3]!.second).toEqual({ kind: 'feed', index: 0 });
    expect(plan.dangling).toEqual([3]);
  });

  it('feeds what no earlier layer provides and reports unread outputs', () => {
    const layers: LayerDesc[] = [
      { ...base, op: 'conv', inC: 3, outC: 8 },
      { ...base, op: 'conv', inH: 4, inW: 4, inC: 8, outC: 8 },
      { ...base, op: 'concat', inH: 4, inW: 4, inC: 8, outC: 12 },
    ];
    const plan = planChain(layers);
    expect(plan.feeds).toEqual([{ h: 8, w: 8, c: 3 }, { h: 4, w: 4, c: 8 }, { h: 4, w: 4, c: 4 }]);
    expect(plan.steps[2]!.input).toEqual({ kind: 'layer', index: 1 });
    expect(plan.steps[2]!.second).toEqual({ kind: 'feed', index: 2 });
    expect(plan.dangling).toEqual([0, 2]);
  });
});
