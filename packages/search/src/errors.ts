import { ExitCode, OqatError } from '@oqat/core';

/** A search-space JSON value is malformed; names the field path and what was expected. */
export class InvalidSpaceError extends OqatError {
  constructor(field: string, problem: string) {
    super(`search space: ${field} ${problem}`);
    this.name = 'InvalidSpaceError';
  }
}

/** A SubnetSpec does not fit its search space; names the field and the allowed values. */
export class InvalidSubnetError extends OqatError {
  constructor(field: string, problem: string) {
    super(`subnet: ${field} ${problem}`);
    this.name = 'InvalidSubnetError';
  }
}

/** A training config JSON value is malformed. */
export class InvalidTrainConfigError extends OqatError {
  constructor(field: string, problem: string) {
    super(`train config: ${field} ${problem}`);
    this.name = 'InvalidTrainConfigError';
  }
}

/** A checkpoint file cannot be read: truncated, foreign, or from another space. */
export class CheckpointError extends OqatError {
  constructor(path: string, problem: string, fix: string) {
    super(`checkpoint ${path}: ${problem}; ${fix}`);
    this.name = 'CheckpointError';
  }
}

/** Sampling with constraints hit its cap without finding a valid subnet. */
export class NoValidSampleError extends OqatError {
  constructor(what: string, tries: number) {
    super(`${what}: no valid subnet after ${tries} tries; relax the constraint`);
    this.name = 'NoValidSampleError';
  }
}

/** A supernet was given the other task's data (a segmentation checkpoint evaluated on labelled images, or the reverse). */
export class TaskMismatchError extends OqatError {
  constructor(task: string, needs: string) {
    super(`a ${task} supernet is evaluated on ${needs}; load the data its checkpoint's task names (config.task)`);
    this.name = 'TaskMismatchError';
  }
}

/** The supernet cannot produce the subnet as asked (e.g. no step sizes at its bit width yet). */
export class SubnetNotReadyError extends OqatError {
  constructor(spec: string, problem: string) {
    super(`subnet ${spec} ${problem}; pass bnImages (their forward pass initialises missing steps and re-estimates BN) or a checkpoint trained at that bit width`);
    this.name = 'SubnetNotReadyError';
  }
}

/** Compressed layers (ALQ, VQ) do not fit the subnet they are applied to: an unknown layer, another shape. */
export class CompressedLayerError extends OqatError {
  constructor(layer: string, problem: string) {
    super(`compressed layer ${layer}: ${problem}`);
    this.name = 'CompressedLayerError';
  }
}

/** A compression step (ALQ, VQ) stopped by its run's AbortSignal (cancel, Ctrl-C), as the CLI's own interrupt. */
export class CompressAbortedError extends OqatError {
  override readonly exitCode = ExitCode.interrupted;
  constructor(method: string, where: string) {
    super(`${method}: aborted during ${where}`);
    this.name = 'CompressAbortedError';
  }
}
