/**
 * Precision tuning as POP states it: the least-cost precision of every
 * variable (here: every elastic layer) under the user's accuracy
 * requirement, handed to a solver. With one precision per layer, an additive
 * cost and an additive accuracy drop this is a multiple-choice knapsack:
 * pick one choice per layer, minimise the summed cost, keep the summed drop
 * within the budget.
 */
export interface PrecisionChoice {
  bits: number;
  /** the cost this choice adds to the network (latency ms, bytes, BitOPs): any per-layer offset may be folded in */
  cost: number;
  /** score drop this choice causes, in whole units of the score's resolution (one validation image for top-1); ≥ 0 */
  drop: number;
}

export interface PrecisionLayer {
  name: string;
  /** one per width; the widest (drop 0) is what the layer runs at when nothing is saved */
  choices: PrecisionChoice[];
}

export interface PrecisionProblem {
  layers: PrecisionLayer[];
  /** the largest summed drop allowed, in the same units as `drop` */
  budget: number;
}

export interface PrecisionSolution {
  /** bits per layer, every layer named */
  bits: Record<string, number>;
  cost: number;
  /** the summed drop the model predicts */
  drop: number;
}

/** A solver of the problem: exact (solvePrecisionExact) or the greedy baseline (solvePrecisionGreedy). */
export type PrecisionSolver = (problem: PrecisionProblem) => PrecisionSolution;

/** The solution that picks `choiceOf(layer index)` in every layer. */
export function solutionOf(problem: PrecisionProblem, choiceOf: (layer: number) => number): PrecisionSolution {
  const bits: Record<string, number> = {};
  let cost = 0;
  let drop = 0;
  problem.layers.forEach((layer, i) => {
    const c = layer.choices[choiceOf(i)]!;
    bits[layer.name] = c.bits;
    cost += c.cost;
    drop += c.drop;
  });
  return { bits, cost, drop };
}
