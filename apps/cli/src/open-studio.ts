import { createStudioService, type Studio } from '@oqat/jobs';
import type { CliIo } from './io';

/**
 * The run store of `--db`, else $OQAT_DB, else ./.oqat/runs.db. Commands that
 * only look (runs list, runs show) open it `readOnly`: no write lock, nothing created.
 * The command line's paths are its user's own (anywhere); `serving` (oqat
 * serve) keeps the paths of API callers under the work folder.
 */
export function openStudio(io: CliIo, db: unknown, how: { readOnly?: boolean; serving?: boolean } = {}): Promise<Studio> {
  return createStudioService({
    path: typeof db === 'string' ? db : undefined, cwd: io.cwd, env: io.env, readOnly: how.readOnly, trustCallerPaths: !how.serving,
  });
}

export const dbOption = { type: 'string', description: 'run store (SQLite file); default $OQAT_DB, else ./.oqat/runs.db' } as const;
