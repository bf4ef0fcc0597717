import { describe, expect, it } from 'vitest';
import type { LayerDesc } from '../ir/layer-desc';
import { PrecisionBoundaries } from './precision-boundaries';

const l = (aBits: number, inC = 10): LayerDesc => ({ op: 'conv', inH: 10, inW: 10, inC, outC: inC, kernel: 1, stride: 1, groups: 1, wBits: aBits, aBits });

describe('PrecisionBoundaries', () => {
  it('counts input maps converted where the device precision changes (input is float)', () => {
    const net = [l(8), l(4), l(32, 20), l(32), l(2)];
    // cpu-ort: 8 and 4 are both int8; boundaries at layer 0 (float input -> int8), 2 (-> float), 4 (-> int8)
    expect(new PrecisionBoundaries('cpu-ort').melems(net)).toBeCloseTo((1000 + 2000 + 1000) / 1e6, 12);
    // fpga computes every width: 8 -> 4 and 32 -> 2 are boundaries too
    expect(new PrecisionBoundaries('fpga').melems(net)).toBeCloseTo((1000 + 1000 + 2000 + 1000) / 1e6, 12);
    expect(new PrecisionBoundaries('cpu-ort').melems([l(32), l(32)])).toBe(0);
  });
});
