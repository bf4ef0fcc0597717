/**
 * Pareto dominance and Deb's fast non-dominated sorting (NSGA-II, 2002).
 * Every objective here is minimised: callers negate what they maximise
 * (accuracy), so one comparison serves every objective.
 */

/** True when `a` is no worse than `b` in every objective and better in at least one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/**
 * Splits points into fronts: front 0 is non-dominated, front 1 is
 * non-dominated once front 0 is removed, and so on. O(M·N²) as in the paper.
 * Indices inside a front keep their input order, so ties resolve the same
 * way on every run (the search must be reproducible from its seed).
 */
export function nonDominatedSort(points: ReadonlyArray<readonly number[]>): number[][] {
  const n = points.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const dominationCount = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      if (dominates(points[p]!, points[q]!)) {
        dominatedBy[p]!.push(q);
        dominationCount[q]!++;
      } else if (dominates(points[q]!, points[p]!)) {
        dominatedBy[q]!.push(p);
        dominationCount[p]!++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let p = 0; p < n; p++) if (dominationCount[p] === 0) current.push(p);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const p of current) {
      for (const q of dominatedBy[p]!) {
        if (--dominationCount[q]! === 0) next.push(q);
      }
    }
    next.sort((x, y) => x - y);
    current = next;
  }
  return fronts;
}
