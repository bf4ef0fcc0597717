import { describe, expect, it } from 'vitest';
import { busyCpu } from './busy-cpu.test-support';
import { measureLatency, robustSummary } from './measure-latency';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}


describe('robustSummary', () => {
  it('drops outliers beyond the MAD limit and takes the median of the rest', () => {
    const s = robustSummary([1, 1.1, 0.9, 1.05, 0.95, 9, 1], 3);
    expect(s.rejected).toBe(1);
    expect(s.kept).toBe(6);
    expect(s.medianMs).toBeCloseTo(1.0, 9);
    expect(s.minMs).toBe(0.9);
  });

  it('keeps everything when the samples do not vary', () => {
    expect(robustSummary([2, 2, 2], 3)).toMatchObject({ medianMs: 2, kept: 3, rejected: 0 });
  });
});

describe('measureLatency', () => {
  it('times a synchronous run on the wall clock with warm-up and inner runs', async () => {
    let calls = 0;
    const t = await measureLatency(() => { calls++; busy(0.5); }, { warmup: 2, repeats: 5, minSampleMs: 2, clock: 'wall' });
    expect(t.innerRuns).toBeGreaterThanOrEqual(1); // from the last warm-up run: 4 on an idle core
    expect(calls).toBe(2 + 5 * t.innerRuns);
    expect(t.medianMs).toBeGreaterThan(0.45); // each run busy-waits 0.5 ms; how close it gets is tools/bench/latency-timing.ts
  });

  it('measures CPU time, and ratios to a reference run before each sample', async () => {
    const cpu = await measureLatency(() => busyCpu(1), { warmup: 1, repeats: 5, clock: 'cpu' });
    expect(cpu.medianMs).toBeGreaterThan(0.9); // each run spins until 1 ms of CPU time
    let runs = 0;
    let references = 0;
    const ratio = await measureLatency(() => { runs++; busyCpu(2); }, { warmup: 1, repeats: 7, minSampleMs: 0, clock: 'cpu' }, () => { references++; busyCpu(1); });
    expect(ratio.kept + ratio.rejected).toBe(7);
    expect(references).toBe(runs);
    // A ratio, not milliseconds; its accuracy under load is tools/bench/latency-timing.ts's to report.
    expect(ratio.medianMs).toBeGreaterThan(0);
    expect(Number.isFinite(ratio.medianMs)).toBe(true);
  });

  it('awaits asynchronous runs', async () => {
    let done = 0;
    await measureLatency(async () => { await new Promise((r) => setTimeout(r, 1)); done++; }, { warmup: 1, repeats: 3, minSampleMs: 0, clock: 'wall' });
    expect(done).toBe(4);
  });
});
