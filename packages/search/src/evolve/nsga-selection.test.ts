import { createRng } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import { rankAndCrowd, selectSurvivors } from './nsga-selection';
import { binaryTournament } from './tournament';

describe('selectSurvivors', () => {
  const points = [[0, 10], [1, 9], [1.1, 8.9], [5, 5], [10, 0], [6, 6], [11, 11]];

  it('keeps whole fronts first, then the least crowded of the overflowing front', () => {
    // front 0 = 0..4 (5 points); keep 4: the crowded pair 1/2 loses one member.
    const kept = selectSurvivors(points, 4);
    expect(kept.slice(0, 2).sort()).toEqual([0, 4]); // extremes (Infinity) first
    expect(kept).toContain(3);
    expect(kept.filter((i) => i === 1 || i === 2)).toHaveLength(1);
    expect(selectSurvivors(points, 6)).toEqual([...selectSurvivors(points, 5), 5]);
  });

  it('ranks dominated points behind', () => {
    const { rank } = rankAndCrowd(points);
    expect(Array.from(rank)).toEqual([0, 0, 0, 0, 0, 1, 2]);
  });
});

describe('binaryTournament', () => {
  it('prefers the better front, then the less crowded point', () => {
    const rng = createRng(1);
    const wins = new Int32Array(3);
    for (let i = 0; i < 3000; i++) wins[binaryTournament([0, 0, 1], [Infinity, 1, Infinity], rng)]!++;
    // index 0 beats everything; index 2 (worse front) wins only against itself.
    expect(wins[0]!).toBeGreaterThan(wins[1]!);
    expect(wins[1]!).toBeGreaterThan(wins[2]!);
    expect(wins[2]! / 3000).toBeCloseTo(1 / 9, 1);
  });
});
