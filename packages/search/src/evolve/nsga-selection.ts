import { crowdingDistance } from './crowding-distance';
import { nonDominatedSort } from './dominance';

export interface RankedPoints {
  /** front number of each point (0 = non-dominated) */
  rank: Int32Array;
  /** crowding distance of each point within its front */
  crowding: Float64Array;
  /** indices ordered best first: by rank, then by crowding (descending), then by index */
  order: number[];
}

/** Ranks and crowding distances of a set of objective vectors (all minimised). */
export function rankAndCrowd(points: ReadonlyArray<readonly number[]>): RankedPoints {
  const fronts = nonDominatedSort(points);
  const rank = new Int32Array(points.length);
  const crowding = new Float64Array(points.length);
  const order: number[] = [];
  fronts.forEach((front, r) => {
    const d = crowdingDistance(points, front);
    front.forEach((i, k) => {
      rank[i] = r;
      crowding[i] = d[k]!;
    });
    // Within a front: the less crowded first; stable on index for reproducibility.
    order.push(...[...front].sort((a, b) => crowding[b]! - crowding[a]! || a - b));
  });
  return { rank, crowding, order };
}

/**
 * NSGA-II environmental selection (elitism): from parents ∪ offspring, keep
 * whole fronts while they fit, then the least crowded points of the front
 * that overflows. Returns the kept indices, best first.
 */
export function selectSurvivors(points: ReadonlyArray<readonly number[]>, size: number): number[] {
  return rankAndCrowd(points).order.slice(0, size);
}
