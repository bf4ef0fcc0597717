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
    expect(t.medianMs).toBeGreaterThan(0.45);
    expect(t.medianMs).toBeLessThan(50); // wall time on a shared machine: mechanics only
  });

  it('measures CPU time, and ratios to a reference', async () => {
    const cpu = await measureLatency(() => busyCpu(1), { warmup: 1, repeats: 5, clock: 'cpu' });
    // Loose upper bounds: the process's other threads (GC, the test runner) add CPU time under load.
    expect(cpu.medianMs).toBeGreaterThan(0.9);
    expect(cpu.medianMs).toBeLessThan(10);
    const ratio = await measureLatency(() => busyCpu(2), { warmup: 1, repeats: 7, minSampleMs: 0, clock: 'cpu' }, () => busyCpu(1));
    expect(ratio.medianMs).toBeGreaterThan(1.2);
    expect(ratio.medianMs).toBeLessThan(5);
  });

  it('awaits asynchronous runs', async () => {
    let done = 0;
    await measureLatency(async () => { await new Promise((r) => setTimeout(r, 1)); done++; }, { warmup: 1, repeats: 3, minSampleMs: 0, clock: 'wall' });
    expect(done).toBe(4);
  });
});
