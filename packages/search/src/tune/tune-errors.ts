import { ExitCode, OqatError } from '@oqat/core';

/** A precision problem a solver cannot take (a negative budget, a layer without choices). */
export class InvalidTuneProblemError extends OqatError {
  constructor(problem: string) {
    super(`precision tuning: ${problem}`);
    this.name = 'InvalidTuneProblemError';
  }
}

/** The requirement is above what the subnet scores with every layer at its widest trained width. */
export class AccuracyRequirementError extends OqatError {
  constructor(required: number, reached: number, bits: number, metric: string) {
    super(
      `precision tuning: the subnet reaches ${(reached * 100).toFixed(2)} % ${metric} on the validation split with every layer at ${bits} bit, ` +
        `below the required ${(required * 100).toFixed(2)} %; ask for less or tune a larger subnet`,
    );
    this.name = 'AccuracyRequirementError';
  }
}

/** Tuning was stopped through its AbortSignal (cancel, Ctrl-C). */
export class TuneAbortedError extends OqatError {
  override readonly exitCode = ExitCode.interrupted;
  constructor(where: string) {
    super(`precision tuning: aborted during ${where}`);
    this.name = 'TuneAbortedError';
  }
}
