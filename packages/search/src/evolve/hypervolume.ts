import type { HypervolumeReference } from './types';

/** A point of an accuracy (maximised) vs cost (minimised) front. */
export interface AccuracyCostPoint {
  accuracy: number;
  cost: number;
}

/**
 * Exact 2-D hypervolume: the area of the accuracy/cost plane that the points
 * dominate, bounded by the reference point (the worst accuracy and the worst
 * cost that still count). Points not better than the reference on both axes
 * add nothing. Sweep over cost: between two consecutive costs the best
 * accuracy reachable is the staircase's current step. O(n log n).
 */
export function hypervolume2d(points: readonly AccuracyCostPoint[], reference: HypervolumeReference): number {
  const useful = points
    .filter((p) => p.accuracy > reference.accuracy && p.cost < reference.cost)
    .sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  let area = 0;
  let bestAccuracy = reference.accuracy;
  for (let i = 0; i < useful.length; i++) {
    const p = useful[i]!;
    if (p.accuracy > bestAccuracy) bestAccuracy = p.accuracy;
    const nextCost = i + 1 < useful.length ? useful[i + 1]!.cost : reference.cost;
    area += (nextCost - p.cost) * (bestAccuracy - reference.accuracy);
  }
  return area;
}
