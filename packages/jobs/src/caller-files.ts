import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CallerFileError, ExportFolderNotEmptyError, PathNotAllowedError } from './errors';

/** The largest checkpoint a caller may name (a once-for-all-scale supernet with every width kept is a few hundred MB). */
export const DEFAULT_MAX_CHECKPOINT_BYTES = 2 ** 30;

/**
 * Where a caller of the service (HTTP, IPC) may read and write files: the
 * store's work folder, exports under its `exports/` folder, and folders the
 * user chose in the desktop's own dialog. The command line is its user's own
 * hand and may name any path (`confined: false`); every caller gets regular
 * files only, size-capped and read asynchronously, and exports that overwrite
 * nothing unless asked.
 */
export class CallerFiles {
  private readonly chosen = new Set<string>();

  constructor(
    readonly workDir: string,
    readonly confined: boolean,
    readonly maxCheckpointBytes: number = DEFAULT_MAX_CHECKPOINT_BYTES,
  ) {}

  get exportsDir(): string {
    return resolve(this.workDir, 'exports');
  }

  /** A folder the user picked in a native dialog: readable and writable from now on (this process only). */
  allowFolder(dir: string): void {
    this.chosen.add(resolve(dir));
  }

  private roots(forExport: boolean): string[] {
    return [forExport ? this.exportsDir : this.workDir, ...this.chosen];
  }

  /**
   * The caller's path made absolute (relative paths are under the work
   * folder) and checked against the roots by its text alone, so the answer
   * for a path outside is the same whether anything is there.
   */
  private place(field: string, path: string, forExport: boolean, trusted: boolean): { abs: string; root?: string } {
    const abs = resolve(this.workDir, path);
    if (!this.confined || trusted) return { abs };
    const root = this.roots(forExport).find((r) => inside(abs, r));
    if (!root || path.includes('\0')) throw new PathNotAllowedError(field, path, this.roots(forExport));
    return { abs, root };
  }

  /** Symbolic links may not lead out of the root the path's text is in; returns the path with its links resolved. */
  private async checkLinks(field: string, path: string, existing: string, root: string | undefined, forExport: boolean): Promise<string> {
    const real = await realpath(existing).catch(() => {
      throw new CallerFileError(field, path, 'does not exist (a link to nothing)');
    });
    if (root === undefined) return real;
    const realRoot = await realpath(root).catch(() => undefined);
    if (realRoot === undefined || !inside(real, realRoot)) throw new PathNotAllowedError(field, path, this.roots(forExport));
    return real;
  }

  /**
   * Reads a checkpoint a caller named: a regular file (not a FIFO, a device
   * or a folder), at most `maxCheckpointBytes`, opened without blocking and
   * read asynchronously. Returns its absolute path and bytes. `trusted`: a
   * path from the store or the command line (anywhere, same file rules).
   */
  async readCheckpoint(field: string, path: string, how: { trusted?: boolean } = {}): Promise<{ path: string; bytes: Buffer }> {
    const { abs, root } = this.place(field, path, false, how.trusted === true);
    try {
      await lstat(abs);
    } catch {
      throw new CallerFileError(field, path, 'does not exist');
    }
    const real = await this.checkLinks(field, path, abs, root, false);
    // O_NONBLOCK: opening a FIFO must not wait for a writer (the type is checked on the open descriptor);
    // O_NOFOLLOW: a link swapped in after the check is refused, not followed.
    const file = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
      throw new CallerFileError(field, path, `cannot be opened (${err.code ?? 'error'})`);
    });
    try {
      const info = await file.stat();
      if (!info.isFile()) throw new CallerFileError(field, path, `is not a regular file (${kindOf(info)})`);
      if (info.size > this.maxCheckpointBytes) {
        throw new CallerFileError(field, path, `is ${info.size} bytes, more than the ${this.maxCheckpointBytes} a checkpoint may have`);
      }
      // Read what stat promised and one byte more: a file that grows meanwhile is refused, not followed.
      const bytes = Buffer.alloc(info.size + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await file.read(bytes, filled, bytes.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled > info.size) throw new CallerFileError(field, path, 'grew while it was read');
      }
      return { path: abs, bytes: bytes.subarray(0, filled) };
    } finally {
      await file.close();
    }
  }

  /**
   * A dataset folder a caller named: under the roots (a confined caller),
   * links not leading out of them, and a folder. Returns its absolute path
   * with its links resolved.
   */
  async dataFolder(field: string, path: string, how: { trusted?: boolean } = {}): Promise<string> {
    const { abs, root } = this.place(field, path, false, how.trusted === true);
    const real = await this.checkLinks(field, path, abs, root, false).catch((err: unknown) => {
      throw err instanceof CallerFileError ? new CallerFileError(field, path, 'does not exist') : err;
    });
    const info = await lstat(real);
    if (!info.isDirectory()) throw new CallerFileError(field, path, `is not a folder (${info.isFile() ? 'a file' : kindOf(info)})`);
    return real;
  }

  /**
   * Makes the folder an export writes to: under the work folder's `exports/`
   * (or a chosen folder), created if missing, and refused when it holds
   * files unless `overwrite`.
   */
  async prepareExportDir(field: string, path: string, overwrite: boolean, how: { trusted?: boolean } = {}): Promise<string> {
    const { abs, root } = this.place(field, path, true, how.trusted === true);
    if (root === this.exportsDir) await mkdir(root, { recursive: true });
    let existing = abs;
    while (!(await lstat(existing).then(() => true, () => false))) existing = dirname(existing);
    await this.checkLinks(field, path, existing, root, true);
    if (existing === abs) {
      const entries = await readdir(abs).catch((err: NodeJS.ErrnoException) => {
        throw new CallerFileError(field, path, err.code === 'ENOTDIR' ? 'is a file, not a folder' : `cannot be listed (${err.code ?? 'error'})`);
      });
      if (entries.length > 0 && !overwrite) throw new ExportFolderNotEmptyError(abs, entries.length);
    } else {
      await mkdir(abs, { recursive: true });
    }
    return abs;
  }
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function kindOf(info: { isFIFO(): boolean; isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isDirectory()) return 'a folder';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a plain file';
}
