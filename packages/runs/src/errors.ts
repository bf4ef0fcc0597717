import { ExitCode, OqatError } from '@oqat/core';

/** Errors of the run store and job runner: one sentence a user can act on, `name` set per class. */

export class StoreCorruptError extends OqatError {
  constructor(path: string, detail: string) {
    super(
      `openRunStore: ${path} is not a readable OQAT run store (${detail}); it was left untouched, ` +
        `move it aside or choose another file with --db / $OQAT_DB`,
    );
    this.name = 'StoreCorruptError';
  }
}

export class StoreSchemaTooNewError extends OqatError {
  constructor(path: string, found: number, supported: number) {
    super(
      `openRunStore: ${path} has schema version ${found} but this OQAT supports up to ${supported}; ` +
        `it was left untouched, upgrade OQAT or choose another file with --db / $OQAT_DB`,
    );
    this.name = 'StoreSchemaTooNewError';
  }
}

export class StoreBusyError extends OqatError {
  constructor(path: string, waitedMs: number) {
    super(
      `run store: ${path} stayed locked by another process for ${waitedMs} ms; ` +
        `retry, or raise busyTimeoutMs`,
    );
    this.name = 'StoreBusyError';
  }
}

/** The store's file, folder or file system refuses writes (SQLITE_READONLY, EROFS, an immutable file). */
export class StoreReadOnlyError extends OqatError {
  /** HTTP status when it reaches an API client: the store cannot serve (see studio-server's errorStatus). */
  readonly status = 503;
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(
      `run store: ${path} cannot be written (${detail}); nothing was changed: make the file and its folder writable, ` +
        `or choose another file with --db / $OQAT_DB`,
      options,
    );
    this.name = 'StoreReadOnlyError';
  }
}

/** The store's file cannot be opened or created where it is (a folder without permission, a file in its path, ...). */
export class StoreUnreachableError extends OqatError {
  /** HTTP status when it reaches an API client: the store cannot serve (see studio-server's errorStatus). */
  readonly status = 503;
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`run store: cannot open ${path} (${detail}); check its folder exists and is yours, or choose another file with --db / $OQAT_DB`, options);
    this.name = 'StoreUnreachableError';
  }
}

/** SQLite found a damaged page while reading or writing an open store. */
export class StoreDamagedError extends OqatError {
  /** HTTP status when it reaches an API client: the store cannot serve (see studio-server's errorStatus). */
  readonly status = 503;
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(
      `run store: ${path} is damaged (${detail}); nothing more was written to it: copy it aside and try ` +
        `\`sqlite3 ${path} .recover\`, or choose another file with --db / $OQAT_DB`,
      options,
    );
    this.name = 'StoreDamagedError';
  }
}

/** The disk is full or failed an I/O (SQLITE_FULL, SQLITE_IOERR); the write was rolled back. */
export class StoreIoError extends OqatError {
  /** HTTP status when it reaches an API client: the store cannot serve (see studio-server's errorStatus). */
  readonly status = 503;
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`run store: writing ${path} failed (${detail}); the write was rolled back: free disk space or check the disk, then retry`, options);
    this.name = 'StoreIoError';
  }
}

export class StoreClosedError extends OqatError {
  constructor(path: string, operation: string) {
    super(`run store: ${operation} called after ${path} was closed`);
    this.name = 'StoreClosedError';
  }
}

export class MigrationFileError extends OqatError {
  constructor(file: string, expected: string) {
    super(`run store migrations: ${file} is misnamed or out of order, expected ${expected}`);
    this.name = 'MigrationFileError';
  }
}

export class RunNotFoundError extends OqatError {
  constructor(runId: string) {
    super(`run store: no run with id '${runId}'; list runs with \`oqat runs list\``);
    this.name = 'RunNotFoundError';
  }
}

export class InvalidRunTransitionError extends OqatError {
  constructor(runId: string, from: string, to: string, allowed: readonly string[]) {
    super(
      `run ${runId}: cannot go from '${from}' to '${to}'; allowed from '${from}': ` +
        (allowed.length > 0 ? allowed.join(', ') : 'none (terminal)'),
    );
    this.name = 'InvalidRunTransitionError';
  }
}

export class RunNotResumableError extends OqatError {
  constructor(runId: string, status: string) {
    super(
      `resume: run ${runId} is '${status}'; only interrupted, cancelled or failed runs can be resumed` +
        (status === 'running' ? ' (a killed run turns interrupted once its worker has exited: try again in a few seconds)' : ''),
    );
    this.name = 'RunNotResumableError';
  }
}

export class JobNotResumableError extends OqatError {
  constructor(runId: string) {
    super(
      `resume: run ${runId} has no recorded job module; pass the job ({modulePath, exportName}) explicitly`,
    );
    this.name = 'JobNotResumableError';
  }
}

export class RunFailedError extends OqatError {
  constructor(
    readonly runId: string,
    readonly reason: string,
  ) {
    super(`run ${runId} failed: ${reason}`);
    this.name = 'RunFailedError';
  }
}

export class RunCancelledError extends OqatError {
  /** stopped by the user (Ctrl-C, cancel), as the CLI's own interrupt */
  override readonly exitCode = ExitCode.interrupted;
  constructor(readonly runId: string) {
    super(`run ${runId} was cancelled; resume it with \`oqat resume ${runId}\``);
    this.name = 'RunCancelledError';
  }
}

export class JobExportNotFoundError extends OqatError {
  constructor(modulePath: string, exportName: string, found: readonly string[]) {
    super(
      `job runner: ${modulePath} has no function export '${exportName}'; found: ` +
        (found.length > 0 ? found.join(', ') : 'no exports'),
    );
    this.name = 'JobExportNotFoundError';
  }
}

export class RunActiveError extends OqatError {
  constructor(runId: string, status: string, operation = 'runs rm') {
    super(`${operation}: run ${runId} is still ${status}; stop it first (or wait until it ends)`);
    this.name = 'RunActiveError';
  }
}

/** A run archive that is cut, damaged or not one at all; nothing was imported. */
export class ArchiveDamagedError extends OqatError {
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`runs import: ${path} is not a complete OQAT run archive (${detail}); nothing was imported: copy it again or export it again with \`oqat runs export\``, options);
  }
}

/** A run archive of a format version (or store schema) this OQAT does not read; nothing was imported. */
export class ArchiveVersionError extends OqatError {
  constructor(path: string, what: string, found: unknown, supported: number) {
    super(`runs import: ${path} has ${what} ${String(found)} but this OQAT reads up to ${supported}; nothing was imported: upgrade OQAT on this host`);
  }
}

/** The file system refused an archive's file or folder (a read-only folder, a full disk, ...); nothing was written or imported. */
export class ArchiveIoError extends OqatError {
  constructor(operation: 'runs export' | 'runs import', action: string, path: string, detail: string, options?: ErrorOptions) {
    super(`${operation}: cannot ${action} ${path} (${detail}); nothing was ${operation === 'runs export' ? 'written' : 'imported'}`, options);
  }
}
