import { solutionOf, type PrecisionProblem, type PrecisionSolution } from './precision-problem';

/**
 * The baseline: every layer starts at its drop-0 choice (the widest), then
 * the move with the most cost saved per unit of drop spent (free moves
 * first) is taken while it fits the remaining budget, one move at a time. A
 * layer may move again to a still cheaper choice. Not optimal: a move with a
 * fine ratio but little saving can spend the budget a larger saving needed.
 */
export function solvePrecisionGreedy(problem: PrecisionProblem): PrecisionSolution {
  const current = problem.layers.map((layer) => {
    let k = 0;
    layer.choices.forEach((c, j) => {
      const best = layer.choices[k]!;
      if (c.drop < best.drop || (c.drop === best.drop && c.cost < best.cost)) k = j;
    });
    return k;
  });
  let left = problem.budget - problem.layers.reduce((sum, layer, i) => sum + layer.choices[current[i]!]!.drop, 0);
  for (;;) {
    let move: { layer: number; choice: number; ratio: number } | undefined;
    for (let i = 0; i < problem.layers.length; i++) {
      const choices = problem.layers[i]!.choices;
      const from = choices[current[i]!]!;
      for (let k = 0; k < choices.length; k++) {
        const saved = from.cost - choices[k]!.cost;
        const spent = choices[k]!.drop - from.drop;
        if (saved <= 0 || spent > left) continue;
        const ratio = spent <= 0 ? Infinity : saved / spent;
        if (!move || ratio > move.ratio) move = { layer: i, choice: k, ratio };
      }
    }
    if (!move) break;
    const choices = problem.layers[move.layer]!.choices;
    left -= choices[move.choice]!.drop - choices[current[move.layer]!]!.drop;
    current[move.layer] = move.choice;
  }
  return solutionOf(problem, (i) => current[i]!);
}
