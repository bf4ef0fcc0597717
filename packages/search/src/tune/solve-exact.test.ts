import { createRng } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import type { PrecisionProblem } from './precision-problem';
import { solvePrecisionExact } from './solve-exact';
import { solvePrecisionGreedy } from './solve-greedy';

/** Every combination of choices: the known optimum of a small problem. */
function bruteForce(problem: PrecisionProblem): number {
  let best = Infinity;
  const visit = (i: number, cost: number, drop: number): void => {
    if (drop > problem.budget) return;
    if (i === problem.layers.length) {
      best = Math.min(best, cost);
      return;
    }
    for (const c of problem.layers[i]!.choices) visit(i + 1, cost + c.cost, drop + c.drop);
  };
  visit(0, 0, 0);
  return best;
}

function randomProblem(seed: number, layers: number): PrecisionProblem {
  const rng = createRng(seed);
  return {
    budget: rng.int(12),
    layers: Array.from({ length: layers }, (_, i) => ({
      name: `l${i}`,
      choices: [
        { bits: 4, cost: 0, drop: 0 },
        { bits: 3, cost: -rng.int(100) / 10, drop: rng.int(5) },
        { bits: 2, cost: -rng.int(200) / 10, drop: rng.int(9) },
      ],
    })),
  };
}

describe('solvePrecisionExact', () => {
  it('finds the brute-force optimum of small problems, within the budget', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const problem = randomProblem(seed, 7);
      const answer = solvePrecisionExact(problem);
      expect(answer.cost).toBeCloseTo(bruteForce(problem), 9);
      expect(answer.drop).toBeLessThanOrEqual(problem.budget);
      // The reported bits are the choices the cost and drop add up from.
      const chosen = problem.layers.map((l) => l.choices.find((c) => c.bits === answer.bits[l.name])!);
      expect(chosen.reduce((s, c) => s + c.cost, 0)).toBeCloseTo(answer.cost, 9);
      expect(chosen.reduce((s, c) => s + c.drop, 0)).toBe(answer.drop);
    }
  });

  it('keeps every layer at its widest width when the budget is 0 and nothing is free', () => {
    const answer = solvePrecisionExact({ ...randomProblem(3, 5), budget: 0 });
    expect(answer.drop).toBe(0);
  });

  it('refuses a negative budget and fractional drops in one line', () => {
    expect(() => solvePrecisionExact({ ...randomProblem(3, 2), budget: -1 })).toThrow(/budget must be ≥ 0/);
    const fractional = { budget: 3, layers: [{ name: 'a', choices: [{ bits: 4, cost: 0, drop: 0.5 }] }] };
    expect(() => solvePrecisionExact(fractional)).toThrow(/whole number/);
  });
});

describe('solvePrecisionGreedy (the baseline)', () => {
  it('spends the budget on the best ratio and misses the larger saving the exact solver finds', () => {
    // a: saves 5 for 1 unit (ratio 5); b: saves 40 for 10 units (ratio 4). Budget 10: greedy takes a, then b no longer fits.
    const problem: PrecisionProblem = {
      budget: 10,
      layers: [
        { name: 'a', choices: [{ bits: 4, cost: 0, drop: 0 }, { bits: 2, cost: -5, drop: 1 }] },
        { name: 'b', choices: [{ bits: 4, cost: 0, drop: 0 }, { bits: 2, cost: -40, drop: 10 }] },
      ],
    };
    expect(solvePrecisionGreedy(problem)).toEqual({ bits: { a: 2, b: 4 }, cost: -5, drop: 1 });
    expect(solvePrecisionExact(problem)).toEqual({ bits: { a: 4, b: 2 }, cost: -40, drop: 10 });
  });

  it('stays within the budget and never beats the optimum', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const problem = randomProblem(seed, 7);
      const greedy = solvePrecisionGreedy(problem);
      expect(greedy.drop).toBeLessThanOrEqual(problem.budget);
      expect(greedy.cost).toBeGreaterThanOrEqual(solvePrecisionExact(problem).cost - 1e-9);
    }
  });
});
