import { OqatError } from '@oqat/core';

export class JobConfigError extends OqatError {
  constructor(field: string, problem: string) {
    super(`run config: ${field} ${problem}`);
    this.name = 'JobConfigError';
  }
}

export class RunNotCancellableError extends OqatError {
  /** HTTP status when an API caller meets it (the run exists but is not this process's to stop) */
  readonly status = 409;
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

/** A caller (HTTP, IPC) named a file outside the folders the service reads and writes; said the same way whether anything is there. */
export class PathNotAllowedError extends OqatError {
  readonly status = 403;
  constructor(field: string, path: string, roots: readonly string[]) {
    super(
      `${field} '${path}' is outside the folders this studio reads and writes (${roots.join(', ')}); ` +
        'give a path under one of them (relative paths are under the first)',
    );
    this.name = 'PathNotAllowedError';
  }
}

/** A caller's file inside those folders that cannot be used: missing, not a regular file, too large. */
export class CallerFileError extends OqatError {
  readonly status = 400;
  constructor(field: string, path: string, problem: string) {
    super(`${field} '${path}' ${problem}`);
    this.name = 'CallerFileError';
  }
}

/** An export would write into a folder that already holds files. */
export class ExportFolderNotEmptyError extends OqatError {
  readonly status = 409;
  constructor(outDir: string, entries: number) {
    super(`export: ${outDir} already holds ${entries} file(s); choose an empty or new folder, or ask to overwrite (overwrite: true, oqat export --overwrite)`);
    this.name = 'ExportFolderNotEmptyError';
  }
}

export class AnalogTaskError extends OqatError {
  constructor(checkpoint: string) {
    super(`${checkpoint}: the analog device evaluates classification networks only (this checkpoint is a segmentation supernet); drop --device analog`);
    this.name = 'AnalogTaskError';
  }
}

/** `--queue` is not a Redis URL this studio can use. */
export class QueueUrlError extends OqatError {
  constructor(url: string, problem: string) {
    super(`--queue '${url}' ${problem}; give redis://HOST:PORT (e.g. redis://127.0.0.1:6379)`);
    this.name = 'QueueUrlError';
  }
}

/** No Redis answered at the queue's address. */
export class QueueUnreachableError extends OqatError {
  constructor(url: string, detail: string) {
    super(`queue: no Redis answered at ${url} (${detail}); start one (redis-server --port PORT) or check --queue`);
    this.name = 'QueueUnreachableError';
  }
}

/** A task handed to queue workers failed on every attempt; the message is the last worker's own line. */
export class QueueTaskFailedError extends OqatError {
  constructor(what: string, attempts: number, reason: string) {
    super(`queue: ${what} failed on ${attempts} attempt(s), last: ${reason}`);
    this.name = 'QueueTaskFailedError';
  }
}

/** A worker cannot take a task: its checkpoint, dataset or device differs from the coordinator's or is missing. */
export class WorkerTaskError extends OqatError {
  constructor(worker: string, problem: string) {
    super(`worker ${worker}: ${problem}`);
    this.name = 'WorkerTaskError';
  }
}
