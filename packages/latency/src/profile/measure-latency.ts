export interface TimingOptions {
  /** untimed runs first */
  warmup: number;
  /** timed samples */
  repeats: number;
  /** a sample runs the network often enough to last this long (short layers) */
  minSampleMs: number;
  /** samples further than this many scaled MADs from the median are dropped */
  outlierMads: number;
  /**
   * 'cpu': CPU time of this process (user + system, all its threads), the
   * latency on an idle core of a single-threaded run, robust to neighbours on
   * a shared machine; 'wall': elapsed time (use it on a quiet machine, and
   * for multi-threaded runtimes).
   */
  clock: 'cpu' | 'wall';
}

export const DEFAULT_TIMING: TimingOptions = { warmup: 3, repeats: 15, minSampleMs: 2, outlierMads: 3, clock: 'cpu' };

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

function wallNowMs(): number {
  return performance.now();
}

export interface Timing {
  /** median of the kept samples, ms per run */
  medianMs: number;
  meanMs: number;
  stdMs: number;
  kept: number;
  rejected: number;
  /** runs per sample */
  innerRuns: number;
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * Median after outlier rejection: drops samples more than `mads` scaled
 * median absolute deviations (1.4826 MAD ~ sigma) from the median.
 */
export function robustSummary(samples: readonly number[], mads: number): Omit<Timing, 'innerRuns'> {
  const sorted = [...samples].sort((a, b) => a - b);
  const m = median(sorted);
  const mad = 1.4826 * median(sorted.map((v) => Math.abs(v - m)).sort((a, b) => a - b));
  const kept = mad > 0 ? sorted.filter((v) => Math.abs(v - m) <= mads * mad) : sorted;
  const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
  const std = Math.sqrt(kept.reduce((a, b) => a + (b - mean) ** 2, 0) / kept.length);
  return { medianMs: median(kept), meanMs: mean, stdMs: std, kept: kept.length, rejected: sorted.length - kept.length };
}

/** Times `run`: warm-up, then `repeats` samples of `innerRuns` runs each; robust median per run. */
export async function measureLatency(run: () => void | Promise<void>, options: Partial<TimingOptions> = {}): Promise<Timing> {
  const o = { ...DEFAULT_TIMING, ...options };
  const now = o.clock === 'cpu' ? cpuNowMs : wallNowMs;
  let last = 0;
  for (let i = 0; i < Math.max(1, o.warmup); i++) {
    const t = now();
    const p = run();
    if (p) await p;
    last = now() - t;
  }
  const innerRuns = Math.max(1, Math.min(1000, Math.ceil(o.minSampleMs / Math.max(last, 1e-3))));
  const samples: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const t = now();
    for (let i = 0; i < innerRuns; i++) {
      const p = run();
      if (p) await p; // synchronous runtimes (tfjs wasm/cpu) skip the microtask
    }
    samples.push((now() - t) / innerRuns);
  }
  return { ...robustSummary(samples, o.outlierMads), innerRuns };
}
