import type { CandidatePoints, CandidateSteps } from '@oqat/jobs';

/**
 * One device's candidates as the scatter draws them: a flat Float32Array of
 * [latency, accuracy] pairs (ECharts' large mode takes it as is) and their ids,
 * grown in place as pages arrive (a live search appends, nothing is re-sent).
 */
export class DevicePoints {
  xy = new Float32Array(0);
  ids = new Float64Array(0);
  count = 0;
  /** the highest id held: the next page starts after it */
  lastId = 0;

  append(page: CandidatePoints): void {
    const n = page.ids.length;
    if (n === 0) return;
    if (this.count + n > this.ids.length) {
      const capacity = Math.max(this.count + n, this.ids.length * 2, 1024);
      const xy = new Float32Array(capacity * 2);
      xy.set(this.xy.subarray(0, this.count * 2));
      const ids = new Float64Array(capacity);
      ids.set(this.ids.subarray(0, this.count));
      this.xy = xy;
      this.ids = ids;
    }
    for (let i = 0; i < n; i++) {
      const j = this.count + i;
      this.xy[2 * j] = page.latencyMs[i]!;
      this.xy[2 * j + 1] = page.accuracy[i]!;
      this.ids[j] = page.ids[i]!;
    }
    this.count += n;
    this.lastId = Math.max(this.lastId, page.ids[n - 1]!);
  }

  /** The pairs drawn (a view, no copy). */
  pairs(): Float32Array {
    return this.xy.subarray(0, this.count * 2);
  }
}

/** Index of the best step under `budgetMs` (the last one at or below it), or -1: a binary search, whatever the number of candidates. */
export function stepUnderBudget(steps: CandidateSteps, budgetMs: number): number {
  let lo = 0;
  let hi = steps.latencyMs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps.latencyMs[mid]! <= budgetMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
