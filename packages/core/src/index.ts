// Public API of @oqat/core: what every package shares and nothing else. No
// TensorFlow.js and no Node-only API, so any package, worker or renderer can
// import it.
export { ExitCode, OqatError, InvalidRngArgumentError } from './errors';
export { createRng, derive } from './rng';
export type { Rng, MutableIndexable } from './rng';
