import { largestSubnet, lowerSubnet, OFA_MBV3_SPACE, simulateNetwork } from '@oqat/latency';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_SPACE } from '../space/fashion-mnist-space';
import { lowerOptionsFor } from './quant-factory';

const space = FASHION_MNIST_SPACE;

describe("lowerOptionsFor: an esb run's weights reach the layer IR, and the fpga prices them", () => {
  it('elastic layers carry the k of each width (paper default or the run k capped); fixed layers and other quantizers none', () => {
    const esb = lowerOptionsFor({ fixedBits: 8, quantizer: 'esb', esb: { significantBits: 0 } });
    const at = (bits: number, o = esb) => lowerSubnet(space, largestSubnet(space, bits), o);
    const named = (bits: number) => at(bits).filter((l) => l.op === 'conv' || l.op === 'dwconv' || l.op === 'fc');
    const elastic = named(4).filter((l) => l.wBits === 4);
    expect(elastic.length).toBeGreaterThan(0);
    expect(new Set(elastic.map((l) => l.weightSignificantBits))).toEqual(new Set([2]));
    expect(named(4).filter((l) => l.wBits === 8).every((l) => l.weightSignificantBits === undefined)).toBe(true);
    expect(new Set(named(3).filter((l) => l.wBits === 3).map((l) => l.weightSignificantBits))).toEqual(new Set([1]));
    const k3 = lowerOptionsFor({ fixedBits: 8, quantizer: 'esb', esb: { significantBits: 3 } });
    expect(new Set(at(4, k3).filter((l) => l.wBits === 4 && l.op !== 'add').map((l) => l.weightSignificantBits))).toEqual(new Set([3]));
    expect(new Set(at(2, k3).filter((l) => l.wBits === 2 && l.op !== 'add').map((l) => l.weightSignificantBits))).toEqual(new Set([1]));
    expect(at(4, lowerOptionsFor({ fixedBits: 8, quantizer: 'lsq' })).some((l) => l.weightSignificantBits !== undefined)).toBe(false);
    expect(at(4, lowerOptionsFor({ fixedBits: 8 }))).toEqual(lowerSubnet(space, largestSubnet(space, 4), { fixedBits: 8 }));
  });

  // The 28x28 Fashion-MNIST network is DDR- and overhead-bound on the simulated fpga (equal there, docs/benchmarks-quant.md, ESB);
  // the 224x224 OFA network has compute-bound layers that more MAC units per LUT speed up.
  it('the search sees ESB cheaper on the fpga at 4 and 3 bits (OFA space), and equal at 2 (ternary is the uniform grid)', () => {
    const ms = (bits: number, quantizer: 'esb' | 'lsq') =>
      simulateNetwork('fpga', lowerSubnet(OFA_MBV3_SPACE, largestSubnet(OFA_MBV3_SPACE, bits), lowerOptionsFor({ fixedBits: 8, quantizer, esb: { significantBits: 0 } }))).latencyMs;
    expect(ms(4, 'esb')).toBeLessThan(ms(4, 'lsq'));
    expect(ms(3, 'esb')).toBeLessThan(ms(3, 'lsq'));
    expect(ms(2, 'esb')).toBe(ms(2, 'lsq'));
  });
});
