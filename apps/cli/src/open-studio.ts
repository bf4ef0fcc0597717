import { createStudioService, type Studio } from '@oqat/jobs';
import type { CliIo } from './io';

/**
 * The run store of `--db`, else $OQAT_DB, else ./.oqat/runs.db. Commands that
 * only look (runs list, runs show) open it `readOnly`: no write lock, nothing created.
 */
export function openStudio(io: CliIo, db: unknown, how: { readOnly?: boolean } = {}): Promise<Studio> {
  return createStudioService({ path: typeof db === 'string' ? db : undefined, cwd: io.cwd, env: io.env, readOnly: how.readOnly });
}

export const dbOption = { type: 'string', description: 'run store (SQLite file); default $OQAT_DB, else ./.oqat/runs.db' } as const;
