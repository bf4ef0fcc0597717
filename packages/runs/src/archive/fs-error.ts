import { OqatError } from '@oqat/core';
import { ArchiveIoError } from '../errors.ts';

/** A file-system error (it has a `code`) as the archive's one-line ArchiveIoError; anything else (a bug, an OqatError) as it came. */
export function archiveFsError(operation: 'runs export' | 'runs import', action: string, path: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof OqatError || typeof e?.code !== 'string') return err;
  return new ArchiveIoError(operation, action, path, e.message.split('\n')[0]!, { cause: err });
}
