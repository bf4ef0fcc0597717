import type { NewRunConfig } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import { ExitCode } from '@oqat/core';
import { followRuns } from '../follow-runs';
import { printJson, type CliIo } from '../io';
import { openStudio } from '../open-studio';
import { runConfigFromOptions } from '../run-options';
import { formatPercent } from '../format-table';
import { formatFronts, scoreName } from './runs';

/**
 * `oqat train` and `oqat search`: start the run in a worker, show it until it
 * ends, then print a summary of every run it produced.
 */
export async function startAndFollow(kind: NewRunConfig['kind'], o: ParsedOptions, io: CliIo, preset: Partial<NewRunConfig> = {}): Promise<number> {
  const json = !!o.json;
  const config = { ...preset, ...runConfigFromOptions(o, io, kind) }; // a bad option or --config file stops before the store is opened
  const studio = await openStudio(io, o.db);
  try {
    const { runId } = await studio.startRun(config);
    if (!json) io.stderr.write(`run ${runId} started (store: ${studio.store.path})\n`);
    const { failed, cancelled } = await followRuns(studio, io, json);
    const runs = (await studio.listRuns()).filter((r) => r.id === runId || r.parentRunId === runId);
    for (const run of runs) {
      if (json) printJson(io, { kind: 'summary', run, detail: await studio.getRun(run.id) });
      else {
        io.stdout.write(`${run.id}  ${run.kind.padEnd(6)} ${run.status.padEnd(9)} best ${scoreName(run.task)} ${formatPercent(run.bestAccuracy)}\n`);
        const overview = run.kind === 'search' ? await studio.candidateOverview(run.id) : undefined;
        if (overview?.total) io.stdout.write(`${formatFronts(overview, run.task)}\n`);
      }
    }
    if (cancelled) return ExitCode.interrupted;
    return failed.length ? ExitCode.user : ExitCode.ok;
  } finally {
    await studio.close();
  }
}

export const train = (o: ParsedOptions, io: CliIo) => startAndFollow('train', o, io);
export const search = (o: ParsedOptions, io: CliIo) => startAndFollow('search', o, io);
