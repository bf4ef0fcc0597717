import { InvalidTuneProblemError } from './tune-errors';
import { solutionOf, type PrecisionProblem, type PrecisionSolution } from './precision-problem';

/** Largest budget (in drop units) the table is built for: 40 layers x 3 widths x 10^6 cells is well under a second. */
const MAX_BUDGET = 1_000_000;

/**
 * The exact answer by dynamic programming over the budget (drops are whole
 * units, so the table is exact, not a discretisation): best[w] is the least
 * cost of the layers seen so far with a summed drop of at most w. Time
 * O(layers x budget x widths); measured against an integer-programming
 * solver in docs/benchmarks-mixed-precision.md.
 */
export function solvePrecisionExact(problem: PrecisionProblem): PrecisionSolution {
  const budget = Math.floor(problem.budget);
  if (!(budget >= 0)) throw new InvalidTuneProblemError(`the accuracy budget must be ≥ 0 drop units, got ${problem.budget}`);
  if (budget > MAX_BUDGET) throw new InvalidTuneProblemError(`the accuracy budget of ${budget} drop units is over ${MAX_BUDGET}; use a coarser score resolution`);
  for (const layer of problem.layers) {
    if (layer.choices.length === 0 || layer.choices.length > 255) throw new InvalidTuneProblemError(`layer ${layer.name} needs 1 to 255 choices, got ${layer.choices.length}`);
    const bad = layer.choices.find((c) => !Number.isInteger(c.drop) || c.drop < 0 || !Number.isFinite(c.cost));
    if (bad) throw new InvalidTuneProblemError(`layer ${layer.name} at ${bad.bits} bit: drop must be a whole number ≥ 0 and cost finite, got drop ${bad.drop}, cost ${bad.cost}`);
  }
  const width = budget + 1;
  let best = new Float64Array(width); // no layer yet: cost 0 at every budget
  let next = new Float64Array(width);
  const picked = new Uint8Array(problem.layers.length * width);
  problem.layers.forEach((layer, i) => {
    for (let w = 0; w < width; w++) {
      let min = Infinity;
      let arg = 0;
      layer.choices.forEach((c, k) => {
        if (c.drop <= w && best[w - c.drop]! + c.cost < min) {
          min = best[w - c.drop]! + c.cost;
          arg = k;
        }
      });
      next[w] = min;
      picked[i * width + w] = arg;
    }
    [best, next] = [next, best];
  });
  if (!Number.isFinite(best[budget]!)) {
    throw new InvalidTuneProblemError('no choice of widths fits the budget: some layer has no choice with drop 0');
  }
  // Walk back from the last layer, spending each layer's chosen drop.
  const choice = new Array<number>(problem.layers.length);
  let w = budget;
  for (let i = problem.layers.length - 1; i >= 0; i--) {
    choice[i] = picked[i * width + w]!;
    w -= problem.layers[i]!.choices[choice[i]!]!.drop;
  }
  return solutionOf(problem, (i) => choice[i]!);
}
