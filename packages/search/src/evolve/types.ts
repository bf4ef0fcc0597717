import type { Rng } from '@oqat/core';

/**
 * What the search needs to know about a candidate type, and nothing more (as
 * once-for-all's ArchManager + arch2feature): the evolution never looks inside
 * a candidate, so the same search runs on SubnetSpec, a segmentation spec or a
 * toy type in tests.
 */
export interface CandidateEncoder<C> {
  /** A uniformly random candidate. */
  sample(rng: Rng): C;
  /** A copy with each choice redrawn with probability `prob`. */
  mutate(candidate: C, rng: Rng, prob: number): C;
  /** A child mixing the choices of two parents. */
  crossover(a: C, b: C, rng: Rng): C;
  /** A stable string identity: the accuracy cache and duplicate checks use it. */
  key(candidate: C): string;
  /** A fixed-length feature vector for the accuracy predictor (one-hot of the choices, plus bits). */
  feature(candidate: C): Float32Array;
  /**
   * The corners of the space (e.g. the largest and smallest subnet at each
   * width), if it has any: the evolution's initial population starts from
   * them so its front spans the whole cost range from the first generation,
   * where uniform samples cluster in the middle.
   */
  anchors?(): C[];
}

/**
 * Measured accuracy (0..1, higher is better) of a candidate on a held-out
 * validation split. Expensive (BN re-estimation + a pass over the split), so
 * the search calls it at most once per key; `signal` aborts it.
 */
export type AccuracyFn<C> = (candidate: C, signal: AbortSignal) => Promise<number>;

/** A cheap cost of a candidate (predicted latency, model bytes, BitOPs…): lower is better. */
export type CostFn<C> = (candidate: C) => number;

/** A candidate whose accuracy was measured, with every cost the search knows. */
export interface ScoredCandidate<C> {
  key: string;
  candidate: C;
  accuracy: number;
  /** the minimised efficiency objectives, by name */
  objectives: Record<string, number>;
  /** reported-only costs (latency on other devices, MACs…), by name */
  metrics: Record<string, number>;
  /** generation in which it was measured (0 = initial population or predictor warm-up) */
  generation: number;
}

/** The 2-D hypervolume's reference point: the worst accuracy and worst cost that still count. */
export interface HypervolumeReference {
  accuracy: number;
  cost: number;
}

export type SearchStrategy = 'evolution' | 'random';

export interface StartedEvent {
  kind: 'started';
  seed: number;
  strategy: SearchStrategy;
  /** accuracy measurements the run will make at most */
  budget: number;
}

/** One accuracy measurement finished (drives a progress bar: measurements are the slow part). */
export interface EvaluatedEvent<C> {
  kind: 'evaluated';
  seed: number;
  candidate: ScoredCandidate<C>;
  /** measurements so far in this run */
  evaluated: number;
  budget: number;
}

/** The accuracy predictor was fitted; spearman is its rank correlation on held-out measured candidates. */
export interface PredictorEvent {
  kind: 'predictor';
  seed: number;
  trainSamples: number;
  heldOutSamples: number;
  spearman: number;
  fitMs: number;
}

export interface GenerationEvent<C> {
  kind: 'generation';
  seed: number;
  generation: number;
  generations: number;
  frontSize: number;
  /** 2-D hypervolume (accuracy vs the hypervolume objective) of the front so far */
  hypervolume: number;
  /** highest-accuracy candidate of the front (every candidate already meets the limits) */
  best: ScoredCandidate<C> | undefined;
  evaluated: number;
  /** candidates scored by the predictor but not measured, so far */
  screened: number;
  /** predictor rank correlation on this generation's offspring, predicted before they were measured */
  screenSpearman?: number;
}

export interface FinishedEvent<C> {
  kind: 'finished';
  seed: number;
  result: SearchResult<C>;
}

export type SearchEvent<C> = StartedEvent | EvaluatedEvent<C> | PredictorEvent | GenerationEvent<C> | FinishedEvent<C>;

export interface SearchResult<C> {
  strategy: SearchStrategy;
  seed: number;
  /** non-dominated measured candidates (accuracy up, every objective down), by ascending first objective */
  front: ScoredCandidate<C>[];
  best: ScoredCandidate<C> | undefined;
  /** hypervolume after each generation (index 0 = initial population) */
  hypervolumes: number[];
  evaluated: number;
  screened: number;
  /** predictor rank correlation: at the first fit (held-out split) and over all screened-then-measured offspring */
  predictor?: { heldOutSpearman: number; screenSpearman: number | undefined; fits: number; fitMs: number };
}
