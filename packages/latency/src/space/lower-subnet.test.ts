import { describe, expect, it } from 'vitest';
import { networkFigures } from '../ir/network-figures';
import { validateLayers } from '../ir/validate-layers';
import { createRng } from '@oqat/core';
import { lowerSubnet } from './lower-subnet';
import { OFA_MBV3_SPACE as ofa } from './ofa-mbv3-space';
import { largestSubnet, sampleSubnet } from './sample-subnet';
import { blockMiddleChannels } from './search-space';

describe('the OFA space, its sampler and its lowering', () => {
  it('samples seed-determined subnets that lower to valid, chained layer lists', () => {
    expect(sampleSubnet(ofa, createRng(3))).toEqual(sampleSubnet(ofa, createRng(3)));
    for (let i = 0; i < 50; i++) {
      const layers = validateLayers(lowerSubnet(ofa, sampleSubnet(ofa, createRng(i))));
      expect(layers.at(-1)).toMatchObject({ op: 'fc', outC: 1000 });
    }
  });

  it("prices what search trains: OFA's resolution grid, its bit widths, 8-divisible expansions and a float residual add", () => {
    expect(ofa.resolutions).toEqual(Array.from({ length: 25 }, (_, i) => 128 + 4 * i));
    expect(ofa.bits).toEqual([2, 3, 4, 32]);
    const layers = lowerSubnet(ofa, { resolution: 132, depths: [2, 2, 2, 2, 2], kernels: Array(5).fill([3, 5]), expands: Array(5).fill([3, 4]), bits: 3 });
    expect(layers[0]).toMatchObject({ op: 'conv', inH: 132, outH: 66, wBits: 8, aBits: 8 });
    // second block of stage 0 (24 channels, expand 4): 96 middle channels, then its shortcut
    const expand = layers.findIndex((l) => l.op === 'conv' && l.inC === 24 && l.outC === blockMiddleChannels(24, 4));
    expect(blockMiddleChannels(24, 4)).toBe(96);
    expect(layers.slice(expand, expand + 4).map((l) => l.op)).toEqual(['conv', 'dwconv', 'conv', 'add']);
    // the residual add sums two dequantized values (float in the export and on every device)
    expect(layers.filter((l) => l.op === 'add').every((l) => l.wBits === 32 && l.aBits === 32)).toBe(true);
    // the elastic layers at the subnet's width; stem, squeeze-excite and classifier at the fixed 8
    expect(layers.filter((l) => l.op === 'dwconv').every((l) => l.wBits === 3)).toBe(true);
    expect(layers.filter((l) => l.op === 'se').every((l) => l.wBits === 8)).toBe(true);
    for (const l of layers) if (l.op === 'conv' && l.kernel === 1 && l.inC === 40) expect(l.outC % 8).toBe(0);
  });

  it('matches OFA MobileNetV3 figures for the largest ImageNet subnet', () => {
    // OFA's w1.0 supernet holds about 7.7M parameters (BN folded); MACs of the d4/e6/k7 net at 224
    // are several times MobileNetV3-Large's 219M.
    const f = networkFigures(lowerSubnet(ofa, largestSubnet(ofa, 32)));
    expect(f.params / 1e6).toBeGreaterThan(7.0);
    expect(f.params / 1e6).toBeLessThan(8.5);
    expect(f.macs / 1e6).toBeGreaterThan(400);
    expect(f.macs / 1e6).toBeLessThan(650);
  });
});
