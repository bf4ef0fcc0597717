/** Plain records read back from the run store. Timestamps are epoch milliseconds. */

export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';

/** Where a job lives: a module file and the name of its exported job function. */
export interface JobRef {
  readonly modulePath: string;
  readonly exportName: string;
}

export interface RunRecord {
  readonly id: string;
  readonly kind: string;
  readonly status: RunStatus;
  /** The job's JSON input, as given when the run was created. */
  readonly config: unknown;
  readonly seed: number | null;
  readonly job: JobRef | null;
  /** The job's JSON result once finished. */
  readonly result: unknown;
  readonly error: string | null;
  /** 1 for the first execution, +1 for every resume. */
  readonly attempt: number;
  readonly pid: number | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly heartbeatAt: number | null;
}

export interface NewRun {
  readonly kind: string;
  readonly config: unknown;
  readonly seed?: number;
  readonly job?: JobRef;
  /** Defaults to a sortable `YYYYMMDD-HHMMSS-xxxxxx` id. */
  readonly id?: string;
}

export interface RunFilter {
  readonly kind?: string;
  readonly status?: RunStatus;
  /** Newest first; default 100. */
  readonly limit?: number;
}

export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly step: number;
  /** Free-form phase label (e.g. `train-4bit`, `eval`); default ''. */
  readonly phase?: string;
}

export interface MetricRecord {
  readonly runId: string;
  readonly phase: string;
  readonly step: number;
  readonly name: string;
  readonly value: number;
  readonly at: number;
}

export interface MetricFilter {
  readonly name?: string;
  readonly phase?: string;
}

export interface NewCandidate {
  readonly device: string;
  readonly spec: unknown;
  readonly metrics: Readonly<Record<string, number>>;
  readonly onFront?: boolean;
}

export interface CandidateRecord {
  readonly id: number;
  readonly runId: string;
  readonly device: string;
  readonly spec: unknown;
  readonly metrics: Readonly<Record<string, number>>;
  readonly onFront: boolean;
  readonly at: number;
}

export interface CandidateFilter {
  readonly device?: string;
  readonly onFrontOnly?: boolean;
  /** only ids above this one (paging: pass the last id of the previous page) */
  readonly afterId?: number;
  /** at most this many rows */
  readonly limit?: number;
}

/**
 * Two metrics of candidates, as columns: `x` is minimised, `y` maximised
 * (latency and accuracy for a search). A missing metric reads as 0.
 */
export interface CandidateAxes {
  readonly x: string;
  readonly y: string;
}

/** One page of a device's candidates as parallel columns, in id order. */
export interface CandidatePointColumns {
  readonly ids: number[];
  readonly x: number[];
  readonly y: number[];
}

/** The candidates of one device at a glance. */
export interface CandidateDeviceCount {
  readonly device: string;
  readonly count: number;
  /** the highest id: rows above it are new */
  readonly maxId: number;
}

export interface NewArtifact {
  readonly path: string;
  readonly kind: string;
}

export interface ArtifactRecord {
  readonly id: number;
  readonly runId: string;
  readonly kind: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly at: number;
}

export interface NewCheckpoint {
  readonly path: string;
  readonly step: number;
  readonly phase?: string;
}

export interface CheckpointRecord {
  readonly id: number;
  readonly runId: string;
  readonly path: string;
  readonly step: number;
  readonly phase: string;
  readonly at: number;
}

/** What an app needs to restart a job where it stopped. */
export interface ResumeInfo {
  readonly run: RunRecord;
  readonly config: unknown;
  readonly job: JobRef | null;
  /** The last recorded checkpoint, or undefined to start from scratch. */
  readonly checkpoint: CheckpointRecord | undefined;
  /** True when the run is interrupted, cancelled or failed. */
  readonly resumable: boolean;
}
