import type { Rng } from '@oqat/core';

/**
 * NSGA-II's crowded binary tournament: draw two members, keep the one on the
 * better front, or on the same front the one in the less crowded region. A
 * full tie keeps the first drawn (the draw itself is random, so no bias).
 */
export function binaryTournament(rank: ArrayLike<number>, crowding: ArrayLike<number>, rng: Rng): number {
  const a = rng.int(rank.length);
  const b = rng.int(rank.length);
  if (rank[a]! !== rank[b]!) return rank[a]! < rank[b]! ? a : b;
  return crowding[b]! > crowding[a]! ? b : a;
}
