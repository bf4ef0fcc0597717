/**
 * NSGA-II crowding distance of the points of one front: for each objective,
 * the normalised gap between a point's two neighbours, summed. The extremes of
 * every objective get Infinity so the front's ends are always kept, which is
 * what spreads the final front from the fastest to the most accurate subnet.
 */
export function crowdingDistance(points: ReadonlyArray<readonly number[]>, front: readonly number[]): Float64Array {
  const distance = new Float64Array(front.length);
  if (front.length <= 2) return distance.fill(Infinity);
  const objectives = points[front[0]!]!.length;
  const order = front.map((_, i) => i);
  for (let m = 0; m < objectives; m++) {
    const value = (i: number): number => points[front[i]!]![m]!;
    // Stable sort on value, ties by position: reproducible distances.
    order.sort((a, b) => value(a) - value(b) || a - b);
    const lo = value(order[0]!);
    const hi = value(order[order.length - 1]!);
    distance[order[0]!] = Infinity;
    distance[order[order.length - 1]!] = Infinity;
    if (hi === lo) continue; // every point equal on this objective: it separates nothing
    for (let k = 1; k < order.length - 1; k++) {
      distance[order[k]!]! += (value(order[k + 1]!) - value(order[k - 1]!)) / (hi - lo);
    }
  }
  return distance;
}
