import { describe, expect, it } from 'vitest';
import type { LayerDesc } from './layer-desc';
import { layerFigures } from './layer-figures';
import { networkFigures } from './network-figures';
import { outputHeight, seHiddenChannels } from './output-shape';

const base = { inH: 8, inW: 8, kernel: 1, stride: 1, groups: 1, wBits: 32, aBits: 32 } as const;

describe('layerFigures', () => {
  it('counts a strided conv at its bit widths', () => {
    const l: LayerDesc = { ...base, op: 'conv', inC: 16, outC: 32, kernel: 3, stride: 2, wBits: 4, aBits: 2 };
    const f = layerFigures(l);
    expect(f.outH).toBe(4);
    expect(f.macs).toBe(4 * 4 * 32 * 16 * 9);
    expect(f.params).toBe(32 * 16 * 9 + 32);
    expect(f.weightBytes).toBe((32 * 16 * 9 * 4) / 8 + 32 * 4);
    expect(f.inputBytes).toBe((8 * 8 * 16 * 2) / 8);
    expect(f.outputBytes).toBe((4 * 4 * 32 * 2) / 8);
    expect(f.bitOps).toBe((f.macs * 4 * 2) / 64);
  });

  it('counts depthwise, fc, se, pools and binary ops', () => {
    const dw = layerFigures({ ...base, op: 'dwconv', inC: 24, outC: 24, groups: 24, kernel: 5 });
    expect(dw.macs).toBe(8 * 8 * 24 * 25);
    expect(dw.bitOps).toBe(dw.macs); // float: BitOPs = MACs
    expect(layerFigures({ ...base, op: 'fc', inH: 1, inW: 1, inC: 1280, outC: 10 }).macs).toBe(12800);
    const se = layerFigures({ ...base, op: 'se', inC: 72, outC: 72 });
    expect(seHiddenChannels(72)).toBe(24);
    expect(se.macs).toBe(2 * 72 * 24);
    expect(se.params).toBe(2 * 72 * 24 + 24 + 72);
    const pool = { ...base, op: 'avgpool', inC: 4, outC: 4, kernel: 8, stride: 8 } as const;
    expect(outputHeight(pool)).toBe(1);
    expect(layerFigures(pool).elementOps).toBe(4 * 64);
    const add = layerFigures({ ...base, op: 'add', inC: 4, outC: 4, aBits: 8 });
    expect(add.inputBytes).toBe(2 * 8 * 8 * 4);
    expect(layerFigures({ ...base, op: 'concat', inC: 4, outC: 10 }).inputBytes).toBe(8 * 8 * 10 * 4);
    expect(outputHeight({ ...base, op: 'upsample', inC: 4, outC: 4, stride: 2 })).toBe(16);
  });

  it('sums a network, counting mixed float/quantized BitOPs as OQAT does', () => {
    const layers: LayerDesc[] = [
      { ...base, op: 'conv', inC: 3, outC: 8, kernel: 3, stride: 2, wBits: 8, aBits: 8 },
      { ...base, op: 'conv', inH: 4, inW: 4, inC: 8, outC: 8, wBits: 2, aBits: 2 },
      { ...base, op: 'fc', inH: 4, inW: 4, inC: 8, outC: 10 },
    ];
    const f = networkFigures(layers);
    const m = layers.map((l) => layerFigures(l).macs);
    expect(f.macs).toBe(m[0]! + m[1]! + m[2]!);
    expect(f.bitOps).toBe(m[0]! + (m[1]! * 4) / 64 + m[2]!);
    expect(f.layers).toBe(3);
  });
});
