import { withLayerBits, type SearchSpace, type SubnetSpec } from '@oqat/latency';
import { subnetKey } from '../space/subnet-spec';
import type { PrecisionSolver } from './precision-problem';
import type { PrecisionTable, TuneCostFn, TuneScoreFn, UniformPoint } from './precision-table';
import { AccuracyRequirementError, TuneAbortedError } from './tune-errors';

export interface TuneRequirement {
  space: SearchSpace;
  /** the least validation score accepted, 0..1 */
  minScore: number;
  solver: PrecisionSolver;
  score: TuneScoreFn;
  cost: TuneCostFn;
  /** solve-and-verify rounds (default 8) */
  maxRounds?: number;
  /** what the score is, for messages: 'top-1', 'mIoU' */
  metric?: string;
  onRound?: (round: TuneRound) => void;
  signal?: AbortSignal;
}

/** One solve and its verification by evaluation. */
export interface TuneRound {
  round: number;
  /** the width the model starts every layer from: the widest, or a raised table's narrower width */
  from: number;
  /** the drop allowed, in score units */
  budget: number;
  /** the summed drop the solver's answer predicts */
  predictedDrop: number;
  /** the solver's answer: the cost it predicts, and what lowering it gives */
  predictedCost: number;
  cost: number;
  /** the validation score the answer reached */
  score: number;
  met: boolean;
  solverMs: number;
}

export interface TuneResult {
  /** the answer in canonical form (bitsByLayer holds the layers below the widest width) */
  spec: SubnetSpec;
  /** bits of every elastic layer, in forward order */
  bits: Record<string, number>;
  cost: number;
  /** validation score reached (verified by evaluation) */
  score: number;
  rounds: TuneRound[];
  /** no round's answer met the requirement at less cost than the best uniform width: that width is the answer */
  fellBack: boolean;
  /** solver time over every round, ms */
  solverMs: number;
  /** the cheapest uniform width meeting the requirement (the widest always does) */
  bestUniform: UniformPoint;
}

/**
 * Solves for the least-cost per-layer bits whose summed drop fits a budget,
 * then verifies the answer by evaluating it. The drops are measured one
 * layer at a time and do not add up: on a supernet whose widths were trained
 * apart, one foreign layer costs more than its share of the uniform drop
 * (the sum overshoots many times), elsewhere layers can compound. So the
 * budget is calibrated by evaluation: each round scales it by what the
 * requirement allows over what the answer lost (at least doubled after an
 * answer that met it), kept between the largest
 * budget whose answer met the requirement and the smallest whose answer
 * missed (bisecting when the scaled value leaves that interval). The
 * cheapest answer that met the requirement is returned, or the best uniform
 * width where it is cheaper still.
 */
export async function tunePrecision(table: PrecisionTable, o: TuneRequirement): Promise<TuneResult> {
  const top = table.base.bits;
  if (table.baseScore < o.minScore) throw new AccuracyRequirementError(o.minScore, table.baseScore, top, o.metric ?? 'score');
  const meets = (score: number) => score >= o.minScore - 1e-9;
  const bestUniform = table.uniform.filter((u) => meets(u.score)).reduce((a, b) => (b.cost < a.cost ? b : a));
  const scoreOf = async (spec: SubnetSpec): Promise<number> => {
    const key = subnetKey(spec);
    const known = table.scores.get(key);
    if (known !== undefined) return known;
    if (o.signal?.aborted) throw new TuneAbortedError('the verification');
    const s = await o.score(spec);
    table.scores.set(key, s);
    return s;
  };
  const units = (x: number) => Math.round(x / table.resolution);
  const allowed = Math.floor((table.baseScore - o.minScore) / table.resolution + 1e-6);
  // Beyond the drop of every layer's cheapest choice a larger budget changes nothing.
  const cheapest = (l: PrecisionTable['layers'][number]) => l.choices.reduce((a, c) => (c.cost < a.cost || (c.cost === a.cost && c.drop < a.drop) ? c : a));
  const ceiling = table.layers.reduce((sum, l) => sum + cheapest(l).drop, 0);
  const rounds: TuneRound[] = [];
  let best: { spec: SubnetSpec; bits: Record<string, number>; cost: number; score: number } | undefined;
  let solverMs = 0;
  let met = -1; // the largest budget whose answer met the requirement
  let missed = Infinity; // the smallest budget whose answer missed it
  let budget = Math.min(allowed, ceiling);
  for (let round = 1; round <= (o.maxRounds ?? 8); round++) {
    const started = performance.now();
    const answer = o.solver({ layers: table.layers, budget });
    const ms = performance.now() - started;
    solverMs += ms;
    const spec = withLayerBits(o.space, table.base, answer.bits);
    const score = await scoreOf(spec);
    const r: TuneRound = {
      round, from: table.base.bits, budget, predictedDrop: answer.drop, predictedCost: table.baseCost + answer.cost, cost: o.cost(spec), score, met: meets(score), solverMs: ms,
    };
    rounds.push(r);
    o.onRound?.(r);
    if (r.met) {
      met = budget;
      if (!best || r.cost < best.cost) best = { spec, bits: answer.bits, cost: r.cost, score };
    } else {
      missed = budget;
    }
    // The model's scale, as this answer measured it: lost = predicted x lost / predicted.
    const lost = units(table.baseScore - score);
    let next = lost > 0 ? Math.floor((answer.drop * allowed) / lost) : 2 * Math.max(budget, 1);
    // A met answer doubles the budget at least (a galloping search for the largest budget that still verifies).
    next = r.met ? Math.max(next, 2 * Math.max(budget, 1)) : Math.min(next, budget - 1);
    next = Math.min(next, ceiling);
    if (next <= met || next >= missed) next = Math.floor((met + Math.min(missed, ceiling + 1)) / 2);
    if (next <= met || next >= missed || next < 0) break;
    budget = next;
  }
  if (best && best.cost <= bestUniform.cost) return { ...best, rounds, fellBack: false, solverMs, bestUniform };
  // No mix met the requirement below the best uniform width's cost: that width is the answer (verified: it was measured).
  const bits = Object.fromEntries(table.layers.map((l) => [l.name, bestUniform.bits]));
  return { spec: { ...table.base, bits: bestUniform.bits }, bits, cost: bestUniform.cost, score: bestUniform.score, rounds, fellBack: true, solverMs, bestUniform };
}

/**
 * tunePrecision over several models of one subnet (the widest's first, then
 * measureRaisedTables' one per narrower width): each solved and verified,
 * the cheapest verified answer kept. A raised table whose best choices add
 * up below the requirement is skipped.
 */
export async function tunePrecisionOver(tables: readonly PrecisionTable[], o: TuneRequirement): Promise<TuneResult> {
  const results: TuneResult[] = [];
  for (const [i, table] of tables.entries()) {
    if (i > 0 && table.baseScore < o.minScore) continue;
    results.push(await tunePrecision(table, o));
  }
  const solved = results.filter((r) => !r.fellBack);
  const best = solved.length > 0 ? solved.reduce((a, b) => (b.cost < a.cost ? b : a)) : results[0]!;
  return { ...best, rounds: results.flatMap((r) => r.rounds), solverMs: results.reduce((sum, r) => sum + r.solverMs, 0) };
}
