import { describe, expect, it } from 'vitest';
import type { LayerDesc } from '../../ir/layer-desc';
import { validateLayer } from '../../ir/validate-layers';
import { simulateNetwork } from '../simulate-network';
import { FPGA_PARAMS } from './fpga-params';
import { fpgaLayerMs, fpgaMacLuts, fpgaMacUnits } from './fpga-simulator';

// A compute-bound 1x1 conv (the MAC array, not DDR, sets its time).
const conv: LayerDesc = { op: 'conv', inH: 28, inW: 28, inC: 256, outC: 256, kernel: 1, stride: 1, groups: 1, wBits: 4, aBits: 4 };

describe('fpga: ESB multipliers priced by significant bits', () => {
  it('uniform pricing is unchanged: 1.1·w·a + (w + a + 8) LUTs, and k = the magnitude bits is the uniform price', () => {
    expect(fpgaMacLuts(4, 4)).toBeCloseTo(1.1 * 16 + 16, 9);
    expect(fpgaMacLuts(2, 8)).toBeCloseTo(1.1 * 16 + 18, 9);
    expect(fpgaMacLuts(4, 4, FPGA_PARAMS, { weight: 3, input: 4 })).toBeCloseTo(fpgaMacLuts(4, 4), 9);
    expect(fpgaLayerMs({ ...conv, weightSignificantBits: 3, inputSignificantBits: 4 })).toBe(fpgaLayerMs(conv));
    expect(fpgaMacUnits(4, 4)).toBe(Math.floor(FPGA_PARAMS.lutBudget / 33.6));
  });

  it('hand-computed ESB prices: mantissa product, folded shifts, the wider accumulator', () => {
    // 4-bit weights, k = 2: sign + 2 mantissa bits, exponents 1..3 (folded), maxLevel 12 -> 1 + 4 range bits.
    expect(fpgaMacLuts(4, 4, FPGA_PARAMS, { weight: 2 })).toBeCloseTo(1.1 * 3 * 4 + (5 + 4 + 8), 9);
    // and unsigned 4-bit inputs with k = 3: 3 mantissa bits, exponents 1..3, maxLevel 7·4 = 28 -> 5 bits.
    expect(fpgaMacLuts(4, 4, FPGA_PARAMS, { weight: 2, input: 3 })).toBeCloseTo(1.1 * 3 * 3 + (5 + 5 + 8), 9);
    // Powers of two at 4 bits (k = 1): exponents 1..7 need ceil(log2(7/3)) = 2 shifter stages on the 2 + 4 product
    // bits, and maxLevel 64 a 1 + 7-bit range: dearer than uniform in this model.
    expect(fpgaMacLuts(4, 4, FPGA_PARAMS, { weight: 1 })).toBeCloseTo(1.1 * 2 * 4 + 0.5 * 6 * 2 + (8 + 4 + 8), 9);
    expect(fpgaMacLuts(4, 4, FPGA_PARAMS, { weight: 1 })).toBeGreaterThan(fpgaMacLuts(4, 4));
  });

  it('an ESB layer at the default k is faster than a uniform one at equal bits, at 4 and 3 bits', () => {
    for (const [bits, kw, ka] of [[4, 2, 3], [3, 1, 2]] as const) {
      const uniform = fpgaLayerMs({ ...conv, wBits: bits, aBits: bits });
      const esb = fpgaLayerMs({ ...conv, wBits: bits, aBits: bits, weightSignificantBits: kw, inputSignificantBits: ka });
      expect(esb).toBeLessThan(uniform);
    }
    const net = (l: LayerDesc) => simulateNetwork('fpga', [l, { ...l, inC: 256 }]).latencyMs;
    expect(net({ ...conv, weightSignificantBits: 2, inputSignificantBits: 3 })).toBeLessThan(net(conv));
  });

  it('the IR refuses more significant bits than magnitude bits', () => {
    expect(validateLayer({ ...conv, weightSignificantBits: 2 }, 0).weightSignificantBits).toBe(2);
    expect(() => validateLayer({ ...conv, weightSignificantBits: 4 }, 0)).toThrow(/weightSignificantBits must be an integer 1-3/);
    expect(() => validateLayer({ ...conv, inputSignificantBits: 0 }, 0)).toThrow(/inputSignificantBits/);
  });
});
