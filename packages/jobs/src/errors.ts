import { OqatError } from '@oqat/engine';

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
