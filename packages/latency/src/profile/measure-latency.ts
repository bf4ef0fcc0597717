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
   * 'cpu': CPU time of this process (user + system, all its threads): the
   * latency of a single-threaded run without the time other processes held
   * the core; 'wall': elapsed time (quiet machines, multi-threaded runtimes).
   */
  clock: 'cpu' | 'wall';
  /**
   * 'reference': each sample is the run's time divided by the time of a
   * reference network run right before it, times the reference's latency,
   * so slow-downs from neighbours on a shared machine (which hit both alike)
   * cancel; 'none': plain times.
   */
  normalize: 'reference' | 'none';
}

/**
 * Defaults for whole networks. On the project's shared 2-core VM, the same
 * networks measured twice in one session agreed within +-10 % for about
 * 80 % of them with 15-21 reference-normalised CPU-time samples, against
 * about 25 % with plain wall-clock medians (docs/benchmarks-latency.md).
 */
export const DEFAULT_TIMING: TimingOptions = { warmup: 3, repeats: 21, minSampleMs: 2, outlierMads: 3, clock: 'cpu', normalize: 'reference' };

/** Defaults for single layers (lookup-table entries, whose noise averages out in a network's sum). */
export const DEFAULT_LAYER_TIMING: TimingOptions = { ...DEFAULT_TIMING, repeats: 9, warmup: 2 };

export interface Timing {
  /** median of the kept samples, ms per run (or ratio to the reference when one was given) */
  medianMs: number;
  meanMs: number;
  stdMs: number;
  /** fastest sample */
  minMs: number;
  kept: number;
  rejected: number;
  /** runs per sample */
  innerRuns: number;
}

type Run = () => void | Promise<void>;

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

function wallNowMs(): number {
  return performance.now();
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
  return { medianMs: median(kept), meanMs: mean, stdMs: std, minMs: sorted[0]!, kept: kept.length, rejected: sorted.length - kept.length };
}

async function timeRuns(run: Run, runs: number, now: () => number): Promise<number> {
  const t = now();
  for (let i = 0; i < runs; i++) {
    const p = run();
    if (p) await p; // synchronous runtimes (tfjs wasm/cpu) skip the microtask
  }
  return (now() - t) / runs;
}

/**
 * Times `run`: warm-up, then `repeats` samples of `innerRuns` runs each;
 * robust median per run. With `reference`, each sample is divided by one
 * reference run timed just before it (a ratio; multiply by the reference's
 * latency).
 */
export async function measureLatency(run: Run, options: Partial<TimingOptions> = {}, reference?: Run): Promise<Timing> {
  const o = { ...DEFAULT_TIMING, ...options };
  const now = o.clock === 'cpu' ? cpuNowMs : wallNowMs;
  let last = 0;
  let refLast = 0;
  for (let i = 0; i < Math.max(1, o.warmup); i++) {
    if (reference) refLast = await timeRuns(reference, 1, now);
    last = await timeRuns(run, 1, now);
  }
  const runsFor = (ms: number) => Math.max(1, Math.min(1000, Math.ceil(o.minSampleMs / Math.max(ms, 1e-3))));
  const innerRuns = runsFor(last);
  // the reference is timed as long as the run, so both see the same slice of the machine's load
  const refRuns = reference ? runsFor(refLast) : 0;
  const samples: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const ref = reference ? await timeRuns(reference, refRuns, now) : 1;
    const t = await timeRuns(run, innerRuns, now);
    samples.push(t / Math.max(ref, 1e-6));
  }
  return { ...robustSummary(samples, o.outlierMads), innerRuns };
}
