import { ExitCode } from '@oqat/core';
import type { Studio } from '@oqat/jobs';
import { followRuns } from './follow-runs';
import type { CliIo } from './io';
import { openStudio } from './open-studio';

/**
 * The one-run commands (quantize, compress, finetune, tune): opens the store,
 * starts the run, shows it until it ends, then hands its result to `report`
 * if it finished. A cancelled run exits as interrupted, a failed one as the
 * user's error (its message was shown while following it).
 */
export async function runToEnd<R>(
  io: CliIo,
  db: unknown,
  json: boolean,
  start: (studio: Studio) => Promise<{ runId: string }>,
  report: (studio: Studio, runId: string, result: R) => void | Promise<void>,
): Promise<number> {
  const studio = await openStudio(io, db);
  try {
    const { runId } = await start(studio);
    if (!json) io.stderr.write(`run ${runId} started (store: ${studio.store.path})\n`);
    const { failed, cancelled } = await followRuns(studio, io, json);
    if (cancelled) return ExitCode.interrupted;
    if (failed.length) return ExitCode.user;
    await report(studio, runId, (await studio.store.getRun(runId)).result as R);
    return ExitCode.ok;
  } finally {
    await studio.close();
  }
}
