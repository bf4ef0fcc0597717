import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointFile } from './checkpoint-format';

/**
 * Writes a checkpoint atomically: to a temp file beside the target, fsync,
 * then rename over the target. A crash leaves either the old or the new
 * file, never a half-written one.
 */
export function writeCheckpointFile<M>(path: string, file: CheckpointFile<M>): void {
  const bytes = encodeCheckpoint(file);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

const FIXES: Record<string, string> = {
  foreign: 'pass a checkpoint written by oqat train',
  version: 'resume with the oqat version that wrote it',
  truncated: 'the write was cut short; resume from an earlier checkpoint or start again',
  corrupt: 'the file was damaged; resume from an earlier checkpoint or start again',
};

/**
 * Reads and checks a checkpoint; a missing, foreign, truncated or corrupt file throws CheckpointError.
 * `bytes`: the file's contents, already read by the caller (a server reads a caller's file asynchronously and size-capped).
 */
export function readCheckpointFile<M>(path: string, bytes?: Uint8Array): CheckpointFile<M> {
  let buf: Buffer;
  try {
    buf = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CheckpointError(path, `cannot be read (${code})`, 'check the path');
  }
  const decoded = decodeCheckpoint<M>(buf);
  if ('kind' in decoded) throw new CheckpointError(path, `${decoded.kind === 'foreign' ? 'is not an OQAT checkpoint' : `is ${decoded.kind}`}: ${decoded.detail}`, FIXES[decoded.kind]!);
  return decoded;
}
