import { createRng, derive } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import type { LayerDesc, LatencySample } from '../ir/layer-desc';
import { fitPredictor } from '../predict/fit-predictor';
import { createOrtRuntime } from '../profile/ort-runtime';
import { profileNetworks } from '../profile/profile-networks';
import { withLayerBits } from '../space/layer-bits';
import { lowerSubnet } from '../space/lower-subnet';
import { middleSubnet, sampleSubnet } from '../space/sample-subnet';
import { SMALL_OFA_SPACE as space } from '../space/random-subnet.test-support';
import { fpgaLayerMs, fpgaMacUnits } from './fpga/fpga-simulator';
import { simulateNetwork } from './simulate-network';
import { xavierLayerMs } from './xavier/xavier-simulator';

// A hand-made mixed subnet: the middle subnet at 4 bits with four elastic layers at 2 and 3 bits.
const MIX = { 'stages.0.0.expand': 2, 'stages.1.1.dw': 3, 'stages.2.0.project': 2, 'head.expand': 3 };
const uniform4 = middleSubnet(space, 4);
const mixed = withLayerBits(space, uniform4, MIX);
const lowered = { uniform4: lowerSubnet(space, uniform4), uniform2: lowerSubnet(space, middleSubnet(space, 2)), mixed: lowerSubnet(space, mixed) };
/** Indices of the lowered layers the mix changed, with their bits. */
const changed = lowered.mixed.flatMap((l, i) => (l.name && l.name in MIX ? [[i, MIX[l.name as keyof typeof MIX]] as const] : []));

describe('each device prices a mixed-precision network layer by layer', () => {
  it('lowers each named layer at its own bits and leaves the rest as the uniform subnet', () => {
    expect(mixed.bitsByLayer).toEqual(MIX);
    expect(changed.map(([i]) => lowered.mixed[i]!.name).sort()).toEqual(Object.keys(MIX).sort());
    lowered.mixed.forEach((l, i) => {
      const bits = changed.find(([j]) => j === i)?.[1];
      expect(l).toEqual(bits === undefined ? lowered.uniform4[i] : { ...lowered.uniform4[i], wBits: bits, aBits: bits });
    });
  });

  it('fpga: a layer costs by its w x a bits, so the mix saves exactly what its narrower layers save', () => {
    const u = simulateNetwork('fpga', lowered.uniform4);
    const m = simulateNetwork('fpga', lowered.mixed);
    let saved = 0;
    m.layerLatencyMs.forEach((ms, i) => {
      const bits = changed.find(([j]) => j === i)?.[1];
      if (bits === undefined) expect(ms).toBe(u.layerLatencyMs[i]);
      else {
        expect(ms).toBeLessThan(u.layerLatencyMs[i]!);
        saved += u.layerLatencyMs[i]! - ms;
      }
    });
    expect(m.latencyMs).toBeCloseTo(u.latencyMs - saved, 12);
    expect(m.latencyMs).toBeGreaterThan(simulateNetwork('fpga', lowered.uniform2).latencyMs);
    // w x a: a compute-bound conv at 2x4 bits gets the MAC units of 4x2 and costs alike, between 2x2 and 4x4
    const conv: LayerDesc = { op: 'conv', inH: 16, inW: 16, inC: 256, outC: 256, kernel: 3, stride: 1, groups: 1, wBits: 4, aBits: 4 };
    const at = (w: number, a: number) => fpgaLayerMs({ ...conv, wBits: w, aBits: a });
    expect(fpgaMacUnits(2, 4)).toBe(fpgaMacUnits(4, 2));
    expect(fpgaMacUnits(2, 2)).toBeGreaterThan(fpgaMacUnits(2, 4));
    expect(fpgaMacUnits(2, 4)).toBeGreaterThan(fpgaMacUnits(4, 4));
    expect(at(2, 4)).toBeCloseTo(at(4, 2), 9);
    expect(at(2, 2)).toBeLessThan(at(2, 4));
    expect(at(2, 4)).toBeLessThan(at(4, 4));
  });

  it('xavier: every layer at <= 8 bits takes the int8 path, so 2, 3 and 4 bits cost alike; a layer above 8 runs fp16', () => {
    const m = simulateNetwork('xavier', lowered.mixed);
    expect(m.layerLatencyMs).toEqual(simulateNetwork('xavier', lowered.uniform4).layerLatencyMs);
    expect(m.latencyMs).toBe(simulateNetwork('xavier', lowered.uniform2).latencyMs);
    // one layer of the hand-made network at 16 bits: only that layer changes, to its fp16 price
    const [i] = changed[0]!;
    const wide = lowered.mixed.map((l, j) => (j === i ? { ...l, wBits: 16, aBits: 16 } : l));
    const w = simulateNetwork('xavier', wide);
    expect(w.layerLatencyMs.filter((ms, j) => ms !== m.layerLatencyMs[j])).toEqual([xavierLayerMs(wide[i]!)]);
    expect(w.layerLatencyMs[i]).toBeGreaterThan(m.layerLatencyMs[i]!);
  });

  it('cpu (as measured on onnxruntime): a predictor fitted on timed uniform subnets prices every width <= 8 as int8', async () => {
    // Timed networks: random uniform subnets of the space on this machine's CPU, one thread.
    const rng = createRng(derive(16, 'mixed-cpu'));
    const networks = Array.from({ length: 10 }, () => lowerSubnet(space, sampleSubnet(space, rng)));
    const timed: LatencySample[] = await profileNetworks({
      device: 'cpu-ort', networks, runtime: await createOrtRuntime(), perLayer: false, seed: 16, timing: { repeats: 5, warmup: 1 },
    });
    expect(timed.every((s) => s.latencyMs > 0)).toBe(true);
    const { predictor } = fitPredictor({ train: timed.slice(0, 8), test: timed.slice(8), model: 'learned', learned: { boost: { rounds: 20 }, select: false } });
    const mixedMs = predictor.estimateMs(lowered.mixed);
    expect(mixedMs).toBeGreaterThan(0);
    expect(mixedMs).toBe(predictor.estimateMs(lowered.uniform4));
    expect(mixedMs).toBe(predictor.estimateMs(lowered.uniform2));
    // what it does tell apart is the precision the runtime computes at: the float subnet is another network
    expect(predictor.estimateMs(lowerSubnet(space, middleSubnet(space, 32)))).not.toBe(mixedMs);
  });
});
