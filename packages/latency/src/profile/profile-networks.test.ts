import { describe, expect, it } from 'vitest';
import { simulateNetwork } from '../devices/simulate-network';
import { ClockThreadsError, RuntimeRequiredError } from '../errors';
import type { LayerDesc } from '../ir/layer-desc';
import { createRng, derive } from '@oqat/core';
import { randomSubnetLayers, SMALL_OFA_SPACE } from '../space/random-subnet.test-support';
import { busyCpu } from './busy-cpu.test-support';
import type { LayerRuntime } from './layer-runtime';
import { profileNetworks, type ProfileProgress } from './profile-networks';

const nets = Array.from({ length: 3 }, (_, i) => randomSubnetLayers(createRng(derive(7, i))));

/** A runtime whose run costs 0.01 ms per call plus 0.02 ms per layer that does something (for the profiler's bookkeeping). */
function busyRuntime(threads = 1): LayerRuntime & { prepared: number } {
  const rt = {
    name: 'busy',
    threads,
    prepared: 0,
    async prepare(layers: readonly LayerDesc[]) {
      rt.prepared++;
      return {
        run: () => {
          const work = layers.filter((l) => l.op !== 'activation' || (l.act ?? 'none') !== 'none').length;
          busyCpu(0.01 + 0.02 * work); // CPU time: the profiler's default clock
        },
        dispose: () => undefined,
      };
    },
  };
  return rt;
}

describe('profileNetworks', () => {
  it('simulates xavier/fpga samples with per-layer latencies and reports progress', async () => {
    const progress: ProfileProgress[] = [];
    const rows: number[] = [];
    const s = await profileNetworks({ device: 'fpga', networks: nets, onProgress: (p) => progress.push(p), onSample: (_, i) => rows.push(i) });
    expect(s.map((x) => x.latencyMs)).toEqual(nets.map((n) => simulateNetwork('fpga', n).latencyMs));
    expect(s[0]!.layerLatencyMs).toHaveLength(nets[0]!.length);
    expect(progress.map((p) => `${p.done}/${p.total}`)).toEqual(['1/3', '2/3', '3/3']);
    expect(rows).toEqual([0, 1, 2]);
  });

  it('times each distinct layer once and whole networks with a runtime', async () => {
    const rt = busyRuntime();
    const small = nets.map((n) => n.slice(0, 6));
    const s = await profileNetworks({ device: 'cpu', networks: [small[0]!, small[0]!], runtime: rt, timing: { repeats: 3, warmup: 1 }, layerTiming: { repeats: 3, warmup: 1 } });
    expect(s).toHaveLength(2);
    expect(s[0]!.layerLatencyMs).toEqual(s[1]!.layerLatencyMs);
    const distinct = new Set(small[0]!.map((l) => JSON.stringify(l))).size;
    expect(rt.prepared).toBe(1 + 1 + 2 + distinct); // reference, idle layer, two networks, each distinct layer once
    // 0.13 ms for the network, 0.03 - 0.01 (the per-call overhead is taken off) for one layer
    const ratio = s[0]!.latencyMs / s[0]!.layerLatencyMs![0]!;
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(20);
  });

  it('needs a runtime for cpu and a single thread for the CPU-time clock', async () => {
    await expect(profileNetworks({ device: 'cpu', networks: nets })).rejects.toThrow(RuntimeRequiredError);
    await expect(profileNetworks({ device: 'cpu', networks: nets, runtime: busyRuntime(2) })).rejects.toThrow(ClockThreadsError);
    await expect(profileNetworks({ device: 'xavier', networks: [[{ op: 'fc' } as LayerDesc]] })).rejects.toThrow(/^layer 0 \(fc\): inH/);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(profileNetworks({ device: 'xavier', networks: nets, signal: ac.signal })).rejects.toThrow(/aborted after 0 of 3/);
  });

  it('measures cpu-ort networks with onnxruntime-node', async () => {
    const small = randomSubnetLayers(createRng(1), { ...SMALL_OFA_SPACE, resolutions: [32] }).slice(0, 12);
    const s = await profileNetworks({ device: 'cpu-ort', networks: [small], perLayer: false, timing: { repeats: 3, warmup: 1, normalize: 'none' } });
    expect(s[0]!.device).toBe('cpu-ort');
    expect(s[0]!.latencyMs).toBeGreaterThan(0);
  });
});
