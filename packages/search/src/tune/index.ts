export type { PrecisionChoice, PrecisionLayer, PrecisionProblem, PrecisionSolution, PrecisionSolver } from './precision-problem';
export { solvePrecisionExact } from './solve-exact';
export { solvePrecisionGreedy } from './solve-greedy';
export { measurePrecisionTable, measureRaisedTables, dropUnits } from './precision-table';
export type { PrecisionTable, TuneModelOptions, TuneScoreFn, TuneCostFn, UniformPoint } from './precision-table';
export { tunePrecision, tunePrecisionOver } from './tune-precision';
export type { TuneRequirement, TuneResult, TuneRound } from './tune-precision';
export { AccuracyRequirementError, InvalidTuneProblemError, TuneAbortedError } from './tune-errors';
