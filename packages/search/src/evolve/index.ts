export type {
  AccuracyFn, CandidateEncoder, CostFn, EvaluatedEvent, GenerationEvent, HypervolumeReference,
  PredictorEvent, ScoredCandidate, SearchEvent, SearchResult, SearchStrategy,
  FinishedEvent as SearchFinishedEvent, StartedEvent as SearchStartedEvent,
} from './types';
export type { EvolutionConfig, PredictorOptions, RandomSearchConfig, ScoringConfig } from './options';
export { DEFAULT_SEARCH_OPTIONS } from './options';
export type { RunOptions } from './candidate-archive';
export { Evolution } from './evolution';
export { randomSearch } from './random-search';
export { search, type SearchConfig } from './search';
export { dominates, nonDominatedSort } from './dominance';
export { crowdingDistance } from './crowding-distance';
export { hypervolume2d, type AccuracyCostPoint } from './hypervolume';
export { fitAccuracyPredictor, DEFAULT_MLP_OPTIONS, type AccuracyPredictor, type MlpOptions } from './mlp-predictor';
export { spearman } from './spearman';
export { InvalidSearchConfigError, SearchAbortedError } from './errors';
export { subnetEncoder, type SubnetEncoderOptions } from './subnet-encoder';
