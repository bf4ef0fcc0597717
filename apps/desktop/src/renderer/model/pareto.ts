import type { CandidateDto } from '@oqat/jobs';

/** Candidates no other one beats on both latency (lower) and accuracy (higher), sorted by latency. */
export function paretoFront<T extends { latencyMs: number; accuracy: number }>(list: readonly T[]): T[] {
  const sorted = [...list].sort((a, b) => a.latencyMs - b.latencyMs || b.accuracy - a.accuracy);
  const front: T[] = [];
  let bestAccuracy = -Infinity;
  for (const c of sorted) {
    if (c.accuracy > bestAccuracy) {
      front.push(c);
      bestAccuracy = c.accuracy;
    }
  }
  return front;
}

/** The front of one device: the service's `onFront` flags when present, else computed here. */
export function frontOf(list: readonly CandidateDto[]): CandidateDto[] {
  const flagged = list.filter((c) => c.onFront);
  return flagged.length > 0 ? [...flagged].sort((a, b) => a.latencyMs - b.latencyMs) : paretoFront(list);
}

export function devicesOf(list: readonly CandidateDto[], preferred: readonly string[] = []): string[] {
  const present = new Set(list.map((c) => c.device));
  return [...preferred.filter((d) => present.has(d as CandidateDto['device'])), ...[...present].filter((d) => !preferred.includes(d))];
}
