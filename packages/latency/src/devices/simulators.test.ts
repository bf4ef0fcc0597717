import { describe, expect, it } from 'vitest';
import type { LayerDesc } from '../ir/layer-desc';
import { layerMacs } from '../ir/layer-figures';
import { effectiveBits } from './device-names';
import { FPGA_PARAMS } from './fpga/fpga-params';
import { fpgaLayerMs } from './fpga/fpga-simulator';
import { simulateNetwork } from './simulate-network';
import { XAVIER_PARAMS } from './xavier/xavier-params';
import { xavierLayerMs } from './xavier/xavier-simulator';
import { createRng } from '@oqat/core';
import { randomSubnetLayers } from '../space/random-subnet.test-support';

const base = { inH: 28, inW: 28, kernel: 1, stride: 1, groups: 1, act: 'relu', wBits: 8, aBits: 8 } as const;
const LAYERS: LayerDesc[] = [
  { ...base, op: 'conv', inC: 24, outC: 72 },
  { ...base, op: 'conv', inC: 3, outC: 16, kernel: 3, stride: 2, inH: 224, inW: 224 },
  { ...base, op: 'conv', inC: 160, outC: 960, inH: 7, inW: 7 },
  { ...base, op: 'dwconv', inC: 72, outC: 72, groups: 72, kernel: 5 },
  { ...base, op: 'dwconv', inC: 480, outC: 480, groups: 480, kernel: 7, inH: 14, inW: 14 },
  { ...base, op: 'fc', inC: 1280, outC: 1000, inH: 1, inW: 1 },
  { ...base, op: 'se', inC: 120, outC: 120, act: 'hsigmoid' },
  { ...base, op: 'add', inC: 40, outC: 40 },
  { ...base, op: 'avgpool', inC: 960, outC: 960, kernel: 7, stride: 7, inH: 7, inW: 7 },
];

/** Variations of a layer that add MACs (or, for MAC-free ops, work). */
function bigger(l: LayerDesc): LayerDesc[] {
  const out: LayerDesc[] = [{ ...l, inH: l.inH * 2, inW: l.inW * 2 }];
  if (l.op === 'conv' || l.op === 'fc') out.push({ ...l, outC: l.outC * 2 }, { ...l, inC: l.inC * 2 });
  if (l.op === 'conv' || l.op === 'dwconv') out.push({ ...l, kernel: l.kernel + 2 });
  if (l.op === 'dwconv' || l.op === 'se' || l.op === 'add' || l.op === 'avgpool') {
    out.push({ ...l, inC: l.inC * 2, outC: l.outC * 2, groups: l.op === 'dwconv' ? l.groups * 2 : 1 });
  }
  return out;
}

const BITS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 32];

const SIMULATORS = [
  { name: 'xavier', ms: (l: LayerDesc, slow = 1) => xavierLayerMs(l, { ...XAVIER_PARAMS, dramBytesPerS: XAVIER_PARAMS.dramBytesPerS / slow }) },
  { name: 'fpga', ms: (l: LayerDesc, slow = 1) => fpgaLayerMs(l, { ...FPGA_PARAMS, ddrBytesPerS: FPGA_PARAMS.ddrBytesPerS / slow }) },
];

describe.each(SIMULATORS)('$name simulator', ({ ms }) => {
  it('never gets faster with more MACs', () => {
    for (const l of LAYERS) {
      for (const b of bigger(l)) {
        expect(layerMacs(b)).toBeGreaterThanOrEqual(layerMacs(l));
        expect(ms(b)).toBeGreaterThanOrEqual(ms(l));
      }
    }
  });

  it('never gets faster with more bits (weights, activations or both)', () => {
    for (const l of LAYERS) {
      for (let i = 1; i < BITS.length; i++) {
        const lo = BITS[i - 1]!;
        const hi = BITS[i]!;
        expect(ms({ ...l, wBits: hi, aBits: hi })).toBeGreaterThanOrEqual(ms({ ...l, wBits: lo, aBits: lo }));
        expect(ms({ ...l, wBits: hi })).toBeGreaterThanOrEqual(ms({ ...l, wBits: lo }));
        expect(ms({ ...l, aBits: hi })).toBeGreaterThanOrEqual(ms({ ...l, aBits: lo }));
      }
    }
  });

  it('never gets faster with less memory bandwidth', () => {
    for (const l of LAYERS) {
      for (const bits of [2, 8, 32]) {
        const q = { ...l, wBits: bits, aBits: bits };
        expect(ms(q, 2)).toBeGreaterThanOrEqual(ms(q));
        expect(ms(q, 8)).toBeGreaterThanOrEqual(ms(q, 2));
      }
    }
  });
});

describe('what bits do', () => {
  it('fewer bits make the fpga faster', () => {
    const conv: LayerDesc = { ...base, op: 'conv', inC: 96, outC: 96, kernel: 3 };
    const t = [8, 4, 2].map((b) => fpgaLayerMs({ ...conv, wBits: b, aBits: b }));
    expect(t[1]!).toBeLessThan(t[0]! * 0.6);
    expect(t[2]!).toBeLessThan(t[1]!);
    expect(fpgaLayerMs({ ...conv, wBits: 32, aBits: 32 })).toBeGreaterThan(t[0]! * 3);
  });

  it('below 8 bits nothing changes on xavier; int8 beats fp16 on big convs', () => {
    for (const l of LAYERS) {
      const t8 = xavierLayerMs({ ...l, wBits: 8, aBits: 8 });
      for (const b of [2, 3, 4]) expect(xavierLayerMs({ ...l, wBits: b, aBits: b })).toBe(t8);
    }
    const big = { ...LAYERS[2]!, inH: 28, inW: 28 };
    expect(xavierLayerMs({ ...big, wBits: 8, aBits: 8 })).toBeLessThan(xavierLayerMs({ ...big, wBits: 16, aBits: 16 }));
  });

  it('cpu devices compute every width up to 8 as int8 and above as float', () => {
    for (const device of ['cpu', 'cpu-ort']) {
      expect(new Set([2, 3, 4, 8].map((b) => effectiveBits(device, b)))).toEqual(new Set([8]));
      expect(effectiveBits(device, 9)).toBe(32);
    }
  });

  it('simulated networks land in plausible ranges', () => {
    const net = randomSubnetLayers(createRng(1));
    for (const device of ['xavier', 'fpga'] as const) {
      const s = simulateNetwork(device, net);
      expect(s.layerLatencyMs).toHaveLength(net.length);
      expect(s.latencyMs).toBeGreaterThan(s.layerLatencyMs.reduce((a, b) => a + b, 0));
      expect(s.latencyMs).toBeGreaterThan(0.1);
      expect(s.latencyMs).toBeLessThan(100);
    }
  });
});
