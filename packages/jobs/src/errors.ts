import { OqatError } from '@oqat/core';

export class JobConfigError extends OqatError {
  constructor(field: string, problem: string) {
    super(`run config: ${field} ${problem}`);
    this.name = 'JobConfigError';
  }
}

export class RunNotCancellableError extends OqatError {
  constructor(runId: string) {
    super(`cancel: run ${runId} is not running in this process; stop it where it was started (Ctrl-C in its terminal)`);
    this.name = 'RunNotCancellableError';
  }
}

export class BitsNotTrainedError extends OqatError {
  constructor(checkpoint: string, bits: number, trained: readonly number[]) {
    super(`${checkpoint}: ${bits} bit was not trained (trained: ${trained.join(', ') || 'none yet'}); pass --bits with one of those`);
    this.name = 'BitsNotTrainedError';
  }
}
