import { createRng } from '@oqat/core';
import type { NewCandidate, RunStore } from '@oqat/runs';
import { DEFAULT_RUN_CONFIG } from './run-defaults';
import type { DeviceName, NewRunConfig } from './studio-service';

export interface SyntheticSearchOptions {
  /** candidates in all (split evenly over `devices`) */
  candidates: number;
  devices?: DeviceName[];
  seed?: number;
  /** rows per store transaction (default 50 000) */
  batch?: number;
  onProgress?: (written: number) => void;
}

/**
 * A finished search run with `candidates` made-up candidates, written through
 * the store's own API (what the search job writes: spec, accuracy, latency on
 * every device, costs, generation; the accuracy–latency staircase flagged as
 * the front). For benchmarks and tests of the Search screen and the API at
 * scale; loads no TensorFlow.js.
 */
export async function writeSyntheticSearch(store: RunStore, options: SyntheticSearchOptions): Promise<string> {
  const devices = options.devices ?? ['cpu', 'xavier', 'fpga'];
  const request: NewRunConfig = { ...DEFAULT_RUN_CONFIG, kind: 'search', devices, seed: options.seed ?? 1 };
  const run = await store.createRun({ kind: 'search', config: { request, devices, synthetic: true }, seed: request.seed });
  await store.markRunning(run.id, null);
  const rng = createRng(options.seed ?? 1).next;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const batch = options.batch ?? 50_000;
  const perDevice = devices.map((_, i) => Math.floor(options.candidates / devices.length) + (i < options.candidates % devices.length ? 1 : 0));
  let written = 0;
  for (const [di, device] of devices.entries()) {
    const staircase: Array<{ id: number; latencyMs: number; accuracy: number }> = [];
    for (let start = 0; start < perDevice[di]!; start += batch) {
      const rows: NewCandidate[] = [];
      const n = Math.min(batch, perDevice[di]! - start);
      for (let i = 0; i < n; i++) {
        const depth = [pick([2, 3, 4]), pick([2, 3, 4]), pick([2, 3, 4]), pick([2, 3, 4]), pick([2, 3, 4])];
        const expand = Array.from({ length: 20 }, () => pick([3, 4, 6]));
        const kernel = Array.from({ length: 20 }, () => pick([3, 5, 7]));
        const bits = pick([2, 3, 4]);
        const size = depth.reduce((a, b) => a + b, 0) * (0.5 + rng()) * bits;
        const latency: Record<string, number> = {};
        for (const [k, d] of devices.entries()) latency[`latency:${d}`] = size * (0.08 + 0.05 * k) * (0.8 + 0.4 * rng());
        const latencyMs = latency[`latency:${device}`]!;
        // Accuracy grows with the subnet's size, saturating, with noise: a realistic cloud under a short front.
        const accuracy = Math.min(0.99, 0.55 + 0.35 * (1 - Math.exp(-size / 40)) + 0.06 * (rng() - 0.5));
        rows.push({
          device, spec: { resolution: pick([24, 28, 32]), depth, expand, kernel, bits },
          metrics: {
            accuracy, latencyMs, generation: Math.floor(rng() * 50), macs: Math.round(size * 1e5), bitOps: Math.round(size * bits * 1e4),
            modelBytes: Math.round(size * 1e3), bits, ...latency,
          },
        });
      }
      const added = await store.addCandidates(run.id, rows);
      for (const c of added) staircase.push({ id: c.id, latencyMs: c.metrics.latencyMs!, accuracy: c.metrics.accuracy! });
      // Keep only the running staircase (the memory of one batch, not of the run).
      staircase.sort((a, b) => a.latencyMs - b.latencyMs || b.accuracy - a.accuracy || a.id - b.id);
      let top = -Infinity;
      const kept = staircase.filter((c) => (c.accuracy > top ? ((top = c.accuracy), true) : false));
      staircase.splice(0, staircase.length, ...kept);
      written += n;
      options.onProgress?.(written);
    }
    await store.markFront(run.id, device, staircase.map((c) => c.id));
  }
  await store.markFinished(run.id, { synthetic: true, candidates: written });
  return run.id;
}
