import type { SubnetSpec } from '@oqat/latency';
import type { AnalogEvalResult } from '../eval/evaluate-analog';
import type { EvalResult } from '../eval/evaluate-subnet';
import type { PhaseInit } from './phase-start';
import type { SqStepStats } from './sq-training';

/** Name of a phase in events and checkpoints: 'float' or '<b>bit'. */
export type PhaseName = string;

interface EventBase {
  /** run seed (every event carries it, so a log line can be reproduced) */
  seed: number;
}

export interface TrainStartedEvent extends EventBase {
  kind: 'started';
  backend: string;
  threads: number;
  totalSteps: number;
  stepsPerEpoch: number;
  trainImages: number;
  testImages: number;
  /** checkpoint this run resumed from, with the global step it starts at */
  resumedFrom?: { path: string; step: number };
}

export interface PhaseStartedEvent extends EventBase {
  kind: 'phase';
  phase: PhaseName;
  phaseIndex: number;
  bits: number;
  epochs: number;
  /** how the phase's step sizes started */
  init: PhaseInit | 'resumed';
}

export interface StepEvent extends EventBase {
  kind: 'step';
  phase: PhaseName;
  epoch: number;
  /** global step (all phases), 1-based after the step */
  step: number;
  phaseStep: number;
  totalSteps: number;
  /** the largest subnet's training loss */
  loss: number;
  /** mean loss of all subnets trained this step */
  meanLoss: number;
  lr: number;
  /** global L2 norm of the step's summed gradients, before clipping */
  gradNorm: number;
  /** training images per second (each trains every sandwich subnet) */
  samplesPerSec: number;
  /** the random subnets trained this step */
  sampled: SubnetSpec[];
  /** SQ runs: the share of the elastic layers' weights this step quantized, and the errors of the chosen filters */
  sq?: SqStepStats;
}

/** An SQ stage starts (or a resumed run continues in one): from this step on, `ratio` of each elastic layer's filters is quantized. */
export interface SqStageEvent extends EventBase {
  kind: 'sq-stage';
  phase: PhaseName;
  /** 0-based */
  stage: number;
  stages: number;
  ratio: number;
  /** global step (1-based) of the stage's first step in this process */
  step: number;
  phaseStep: number;
}

export interface EpochEvent extends EventBase {
  kind: 'epoch';
  phase: PhaseName;
  epoch: number;
  meanLoss: number;
  seconds: number;
}

export interface EvalEvent extends EventBase {
  kind: 'eval';
  phase: PhaseName;
  which: 'largest' | 'middle' | 'smallest';
  result: EvalResult;
  /** abfp runs' quantized phases: the subnet's top-1 on the analog device the run targets (config.abfp) */
  analog?: AnalogEvalResult;
  seconds: number;
}

/** A DropBits phase's end: the width each elastic layer learned, as a subnet, and its score. */
export interface LearnedBitsEvent extends EventBase {
  kind: 'learned-bits';
  phase: PhaseName;
  /** the phase's width (the subnet's `bits`) */
  bits: number;
  /** each elastic layer's learned width, in forward order */
  widths: Record<string, number>;
  /** mean learned width over the elastic layers */
  averageBits: number;
  /** the largest subnet with the learned widths (canonical bitsByLayer) */
  spec: SubnetSpec;
  /** the spec on the test split */
  result: EvalResult;
  seconds: number;
  /** the spec's JSON file beside the checkpoint (runs with a checkpoint folder) */
  path?: string;
}

export interface CheckpointEvent extends EventBase {
  kind: 'checkpoint';
  path: string;
  step: number;
}

export interface PhaseEndEvent extends EventBase {
  kind: 'phase-end';
  phase: PhaseName;
  /** wall time of the training steps of this phase (evaluation excluded), in this process */
  trainSeconds: number;
  samplesPerSec: number;
}

export interface FinishedEvent extends EventBase {
  kind: 'finished';
  seconds: number;
  steps: number;
  checkpoint?: string;
}

/** Progress of a training run, keyed on `kind`. */
export type TrainEvent =
  | TrainStartedEvent
  | PhaseStartedEvent
  | StepEvent
  | SqStageEvent
  | EpochEvent
  | EvalEvent
  | LearnedBitsEvent
  | CheckpointEvent
  | PhaseEndEvent
  | FinishedEvent;
