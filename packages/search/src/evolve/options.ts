import type { Rng } from '@oqat/core';
import { InvalidSearchConfigError } from './errors';
import type { MlpOptions } from './mlp-predictor';
import type { AccuracyFn, CandidateEncoder, CostFn, HypervolumeReference } from './types';

/** What both strategies (evolution and the random baseline) score candidates with. */
export interface ScoringConfig<C> {
  encoder: CandidateEncoder<C>;
  /** measured accuracy on a held-out validation split; called at most once per key per run */
  accuracy: AccuracyFn<C>;
  /** minimised objectives beside accuracy, e.g. { latencyMs: c => lut.estimate(c) } (at least one) */
  efficiency: Readonly<Record<string, CostFn<C>>>;
  /** costs reported with every candidate (and usable in limits) but not optimised */
  metrics?: Readonly<Record<string, CostFn<C>>>;
  /** hard maximum per efficiency or metric name, e.g. { latencyMs: 5, modelBytes: 2e6 } */
  limits?: Readonly<Record<string, number>>;
  /** 2-D hypervolume of accuracy vs `objective` (default: the first efficiency objective) */
  hypervolume: { reference: HypervolumeReference; objective?: string };
  /** tries per draw before NoValidSampleError (sampling, breeding and repair are all capped) */
  maxTries?: number;
  /**
   * Accuracies measured before (by key), consulted before `accuracy` is called.
   * Lets a benchmark give evolution and random search the same measurements
   * without paying twice; each run still counts every key it asks for.
   */
  cache?: Map<string, number>;
  /**
   * Accuracy measurements in flight at once (default 1: one at a time). A
   * generation's offspring (and the initial population) are drawn first and
   * measured as one batch; results are recorded in candidate order, not
   * arrival order, so any concurrency gives the same events and front as 1.
   * For an `accuracy` that hands candidates to other processes or hosts
   * (@oqat/queue's workers); Infinity: a whole batch at once.
   */
  concurrency?: number;
}

export interface PredictorOptions {
  /** measured candidates before the first fit (once-for-all: a few hundred to thousands) */
  warmup: number;
  /** share of the warm-up set held out to report the first fit's rank correlation */
  heldOutFraction: number;
  /** offspring scored by the predictor per offspring measured */
  screenFactor: number;
  /** offspring measured per generation once the predictor is fitted (default: population) */
  measurePerGeneration?: number;
  mlp: Partial<MlpOptions>;
}

export interface EvolutionConfig<C> extends ScoringConfig<C> {
  rng: Rng;
  population?: number;
  generations?: number;
  /** per-choice redraw probability of a mutation (once-for-all: 0.1) */
  mutateProb?: number;
  /** probability that a child is a crossover of two parents rather than a mutated copy of one */
  crossoverProb?: number;
  /** pre-screen offspring with an MLP accuracy predictor; false or absent measures every offspring */
  predictor?: Partial<PredictorOptions> | false;
}

export interface RandomSearchConfig<C> extends ScoringConfig<C> {
  rng: Rng;
  /** accuracy measurements to make (give it the evolution's count for a fair comparison) */
  budget: number;
  /** measurements between two progress events, so curves line up with evolution's generations */
  population?: number;
}

/** Every default of the search, in one place. */
export const DEFAULT_SEARCH_OPTIONS = {
  population: 32,
  generations: 10,
  mutateProb: 0.1,
  crossoverProb: 0.5,
  maxTries: 500,
  predictor: { warmup: 200, heldOutFraction: 0.2, screenFactor: 4, mlp: {} } satisfies PredictorOptions,
} as const;

export interface ResolvedScoring<C> extends ScoringConfig<C> {
  metrics: Readonly<Record<string, CostFn<C>>>;
  limits: Readonly<Record<string, number>>;
  maxTries: number;
  concurrency: number;
  objectiveNames: string[];
  hypervolumeObjective: string;
}

function check(ok: boolean, field: string, problem: string): void {
  if (!ok) throw new InvalidSearchConfigError(field, problem);
}

export function checkInt(v: number, field: string, min: number): void {
  check(Number.isInteger(v) && v >= min, field, `must be an integer >= ${min}, got ${v}`);
}

export function checkProb(v: number, field: string): void {
  check(Number.isFinite(v) && v >= 0 && v <= 1, field, `must be a probability in 0..1, got ${v}`);
}

/** Validates the scoring part of a config: unknown names fail here, not deep inside a generation. */
export function resolveScoring<C>(config: ScoringConfig<C>): ResolvedScoring<C> {
  const objectiveNames = Object.keys(config.efficiency);
  check(objectiveNames.length > 0, 'efficiency', 'must name at least one cost function, e.g. { latencyMs: fn }');
  const metrics = config.metrics ?? {};
  const known = [...objectiveNames, ...Object.keys(metrics)];
  for (const name of Object.keys(metrics)) {
    check(!objectiveNames.includes(name), `metrics.${name}`, 'is already an efficiency objective; name it once');
  }
  const limits = config.limits ?? {};
  for (const [name, max] of Object.entries(limits)) {
    check(known.includes(name), `limits.${name}`, `names no cost (known: ${known.join(', ')})`);
    check(Number.isFinite(max), `limits.${name}`, `must be a finite number, got ${max}`);
  }
  const hypervolumeObjective = config.hypervolume.objective ?? objectiveNames[0]!;
  check(objectiveNames.includes(hypervolumeObjective), 'hypervolume.objective', `must be one of ${objectiveNames.join(', ')}, got ${hypervolumeObjective}`);
  const { accuracy, cost } = config.hypervolume.reference;
  check(Number.isFinite(accuracy) && Number.isFinite(cost), 'hypervolume.reference', `must hold finite accuracy and cost, got ${accuracy}, ${cost}`);
  const maxTries = config.maxTries ?? DEFAULT_SEARCH_OPTIONS.maxTries;
  checkInt(maxTries, 'maxTries', 1);
  const concurrency = config.concurrency ?? 1;
  if (concurrency !== Infinity) checkInt(concurrency, 'concurrency', 1);
  return { ...config, metrics, limits, maxTries, concurrency, objectiveNames, hypervolumeObjective };
}

export interface ResolvedEvolution<C> extends ResolvedScoring<C> {
  rng: Rng;
  population: number;
  generations: number;
  mutateProb: number;
  crossoverProb: number;
  predictor: (PredictorOptions & { measurePerGeneration: number }) | undefined;
}

export function resolveEvolution<C>(config: EvolutionConfig<C>): ResolvedEvolution<C> {
  const d = DEFAULT_SEARCH_OPTIONS;
  const population = config.population ?? d.population;
  const generations = config.generations ?? d.generations;
  const mutateProb = config.mutateProb ?? d.mutateProb;
  const crossoverProb = config.crossoverProb ?? d.crossoverProb;
  checkInt(population, 'population', 2);
  checkInt(generations, 'generations', 0);
  checkProb(mutateProb, 'mutateProb');
  checkProb(crossoverProb, 'crossoverProb');
  let predictor: ResolvedEvolution<C>['predictor'];
  if (config.predictor) {
    const p = { ...d.predictor, measurePerGeneration: population, ...config.predictor };
    checkInt(p.warmup, 'predictor.warmup', 10);
    checkInt(p.screenFactor, 'predictor.screenFactor', 1);
    checkInt(p.measurePerGeneration, 'predictor.measurePerGeneration', 1);
    check(p.heldOutFraction > 0 && p.heldOutFraction < 1, 'predictor.heldOutFraction', `must be in (0, 1), got ${p.heldOutFraction}`);
    predictor = p;
  }
  return { ...resolveScoring(config), rng: config.rng, population, generations, mutateProb, crossoverProb, predictor };
}
