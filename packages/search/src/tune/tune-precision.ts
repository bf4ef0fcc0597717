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
  /** solve-and-verify rounds before falling back to the widest subnet (default 6) */
  maxRounds?: number;
  /** what the score is, for messages: 'top-1', 'mIoU' */
  metric?: string;
  onRound?: (round: TuneRound) => void;
  signal?: AbortSignal;
}

/** One solve and its verification by evaluation. */
export interface TuneRound {
  round: number;
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
  /** no round met the requirement: the answer is the widest subnet (which does) */
  fellBack: boolean;
  /** solver time over every round, ms */
  solverMs: number;
  /** the cheapest uniform width meeting the requirement (the widest always does) */
  bestUniform: UniformPoint;
}

/**
 * Solves for the least-cost per-layer bits whose summed drop fits the
 * budget the requirement leaves, then verifies the answer by evaluating it:
 * the drops are measured one layer at a time and do not add up exactly, so
 * an answer that misses tightens the budget (by its shortfall, and below its
 * own predicted drop) and is solved again.
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
  const rounds: TuneRound[] = [];
  let solverMs = 0;
  let budget = Math.floor((table.baseScore - o.minScore) / table.resolution + 1e-6);
  for (let round = 1; round <= (o.maxRounds ?? 6) && budget >= 0; round++) {
    const started = performance.now();
    const answer = o.solver({ layers: table.layers, budget });
    const ms = performance.now() - started;
    solverMs += ms;
    const spec = withLayerBits(o.space, table.base, answer.bits);
    const score = await scoreOf(spec);
    const r: TuneRound = {
      round, budget, predictedDrop: answer.drop, predictedCost: table.baseCost + answer.cost, cost: o.cost(spec), score, met: meets(score), solverMs: ms,
    };
    rounds.push(r);
    o.onRound?.(r);
    if (r.met) return { spec, bits: answer.bits, cost: r.cost, score, rounds, fellBack: false, solverMs, bestUniform };
    const shortfall = Math.ceil((o.minScore - score) / table.resolution - 1e-6);
    budget = Math.min(budget - Math.max(1, shortfall), answer.drop - 1);
  }
  const bits = Object.fromEntries(table.layers.map((l) => [l.name, top]));
  return { spec: table.base, bits, cost: table.baseCost, score: table.baseScore, rounds, fellBack: true, solverMs, bestUniform };
}
