import { resolve } from 'node:path';
import type { CandidateDto, CandidateOverview } from '@oqat/jobs';
import { exportRuns, importRuns } from '@oqat/runs';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { formatLayerBits, formatPercent, formatTable, formatWhen } from '../format-table';
import { printJson, type CliIo } from '../io';
import { openStudio } from '../open-studio';
import { formatDuration } from '../progress-bar';

function runIdOf(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes one run id (see 'oqat runs list')`);
  return positionals[0]!;
}

/** `oqat runs list` */
export async function runsList(o: ParsedOptions, io: CliIo): Promise<number> {
  const studio = await openStudio(io, o.db, { readOnly: true });
  try {
    const runs = await studio.listRuns();
    if (o.json) runs.forEach((r) => printJson(io, r));
    else if (!runs.length) io.stdout.write(`no runs yet in ${studio.store.path}; start one with 'oqat train' or 'oqat demo'\n`);
    else {
      const rows = runs.map((r) => [
        r.id, r.kind, r.status, r.task, r.bits.join('→') || '-', formatPercent(r.bestAccuracy), formatWhen(r.startedAt ?? r.createdAt),
        r.startedAt ? formatDuration(((r.finishedAt ?? Date.now()) - r.startedAt) / 1000) : '-',
      ]);
      io.stdout.write(formatTable(['RUN', 'KIND', 'STATUS', 'TASK', 'BITS', 'BEST', 'STARTED', 'DURATION'], rows));
    }
    return 0;
  } finally {
    await studio.close();
  }
}

/** What a run's scores are: mIoU for segmentation, top-1 accuracy otherwise. */
export function scoreName(task: string): string {
  return task === 'segmentation' ? 'mIoU' : 'accuracy';
}

/** The Pareto front of a search run, per device (from the overview: no candidate list is loaded); a mixed candidate's bits per layer below its table. */
export function formatFronts(overview: CandidateOverview, task: string): string {
  return overview.devices
    .map(({ device, count, front }) => {
      const rows = front.map((c) => [c.id, formatPercent(c.accuracy), c.latencyMs.toFixed(3), layerBitsOf(c) ? `${c.bits}*` : c.bits, (c.macs / 1e6).toFixed(2), (c.modelBytes / 1024).toFixed(1), (c.bitops / 1e6).toFixed(2)]);
      const mixed = front.flatMap((c) => candidateLayerBits(c) ?? []);
      return `front on ${device} (${front.length} of ${count} measured):\n` +
        formatTable(['CANDIDATE', scoreName(task).toUpperCase(), 'LATENCY MS', 'BITS', 'MMACS', 'KB', 'MBITOPS'], rows) +
        (mixed.length ? `* bits per layer (the rest at BITS):\n${mixed.join('\n')}\n` : '');
    })
    .join('\n');
}

const layerBitsOf = (c: CandidateDto): Record<string, number> | undefined => (c.spec as { bitsByLayer?: Record<string, number> } | null)?.bitsByLayer;

/** "  #97: 2 bit first.project · 4 bit first.dw": a mixed candidate's layers by width; undefined for a uniform one. */
function candidateLayerBits(c: CandidateDto): string | undefined {
  const byLayer = layerBitsOf(c);
  return byLayer && `  #${c.id}: ${formatLayerBits(byLayer)}`;
}

/** Writes and, when the reader is slower than the store, waits for the stream to drain (memory stays at one page). */
async function writeOut(io: CliIo, text: string): Promise<void> {
  const out = io.stdout as CliIo['stdout'] & { once?: (event: 'drain', listener: () => void) => unknown };
  if (out.write(text) === false && typeof out.once === 'function') await new Promise<void>((resolve) => out.once!('drain', resolve));
}

/**
 * `oqat runs show RUN`. With --json, NDJSON: the run on the first line (with
 * `candidateCount`), then one line per candidate (`{"candidate": …}`), read
 * from the store a page at a time, so a run of a million candidates streams
 * in bounded memory.
 */
export async function runsShow(o: ParsedOptions, positionals: string[], io: CliIo): Promise<number> {
  const studio = await openStudio(io, o.db, { readOnly: true });
  try {
    const run = await studio.getRun(runIdOf(positionals, 'runs show'));
    const overview = await studio.candidateOverview(run.id);
    if (o.json) {
      printJson(io, { ...run, candidateCount: overview.total });
      for (let after = 0; ;) {
        const page = await studio.candidatePage(run.id, after);
        if (page.length === 0) break;
        await writeOut(io, page.map((candidate) => `${JSON.stringify({ candidate })}\n`).join(''));
        after = page[page.length - 1]!.id;
      }
      return 0;
    }
    io.stdout.write(
      [
        `run ${run.id}: ${run.kind}, ${run.status}${run.error ? ` (${run.error})` : ''}`,
        `task ${run.task}, bits ${run.bits.join('→') || '-'}, seed ${run.seed}, best ${scoreName(run.task)} ${formatPercent(run.bestAccuracy)}`,
        `started ${formatWhen(run.startedAt)}, ended ${formatWhen(run.finishedAt)}`,
        ...run.checkpoints.slice(-3).map((c) => `checkpoint step ${c.step}: ${c.path}`),
        ...run.artifacts.map((a) => `artifact ${a.kind}: ${a.path} (${a.sizeBytes} bytes, sha256 ${a.sha256.slice(0, 12)}…)`),
      ].join('\n') + '\n',
    );
    if (overview.total) io.stdout.write(`\n${formatFronts(overview, run.task)}`);
    return 0;
  } finally {
    await studio.close();
  }
}

/** `oqat runs rm RUN` */
export async function runsRm(o: ParsedOptions, positionals: string[], io: CliIo): Promise<number> {
  const studio = await openStudio(io, o.db);
  try {
    const id = runIdOf(positionals, 'runs rm');
    await studio.deleteRun(id);
    if (o.json) printJson(io, { deleted: id });
    else io.stdout.write(`deleted run ${id} (its files under ${studio.workDir} are kept)\n`);
    return 0;
  } finally {
    await studio.close();
  }
}

/** `oqat resume RUN`: continues an interrupted or cancelled run from its last checkpoint. */
export async function resume(o: ParsedOptions, positionals: string[], io: CliIo): Promise<number> {
  const { followRuns } = await import('../follow-runs');
  const studio = await openStudio(io, o.db);
  try {
    const { runId } = await studio.resumeRun(runIdOf(positionals, 'resume'));
    if (!o.json) io.stderr.write(`resuming run ${runId}\n`);
    const { failed, cancelled } = await followRuns(studio, io, !!o.json);
    return cancelled ? 130 : failed.length ? 3 : 0;
  } finally {
    await studio.close();
  }
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** `oqat runs export RUN [RUN...] --out FILE.oqatrun [--with-sources]`: the runs, their rows and files in one archive (@oqat/runs exportRuns). */
export async function runsExport(o: ParsedOptions, positionals: string[], io: CliIo): Promise<number> {
  if (positionals.length === 0) throw new UsageError("runs export takes one or more run ids (see 'oqat runs list')");
  if (typeof o.out !== 'string' || o.out === '') throw new UsageError('runs export needs --out FILE.oqatrun');
  const studio = await openStudio(io, o.db, { readOnly: true });
  try {
    const report = await exportRuns(studio.store, { runIds: positionals, out: resolve(io.cwd, o.out), workDir: studio.workDir, withSources: o['with-sources'] === true });
    if (o.json) printJson(io, report);
    else {
      const runs = report.runs.map((r) => `${r.id} (${r.kind}${r.requested ? '' : ', a source'})`).join(', ');
      io.stdout.write(`wrote ${report.out}: ${megabytes(report.bytes)}, ${report.runs.length} run(s) ${runs}, ${report.files} file(s) of ${megabytes(report.fileBytes)}\n`);
      for (const l of report.external) io.stdout.write(`  run ${l.from} names run ${l.runId}, left out (add it with --with-sources); its paths will point into the importing store's work folder\n`);
      for (const m of report.missing) io.stdout.write(`  ${m} was already gone: its row is archived, the file is not\n`);
    }
    return 0;
  } finally {
    await studio.close();
  }
}

/** `oqat runs import FILE.oqatrun`: adds an archive's runs to this store (@oqat/runs importRuns), all or nothing. */
export async function runsImport(o: ParsedOptions, positionals: string[], io: CliIo): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('runs import takes one archive (FILE.oqatrun, written by oqat runs export)');
  const studio = await openStudio(io, o.db);
  try {
    const report = await importRuns(studio.store, { archive: resolve(io.cwd, positionals[0]!), workDir: studio.workDir });
    if (o.json) printJson(io, report);
    else {
      if (report.imported.length === 0) {
        io.stdout.write(`nothing imported: the ${report.skipped.length} run(s) of ${report.archive} are already in ${studio.store.path} (${report.skipped.map((r) => r.id).join(', ')})\n`);
        return 0;
      }
      const runs = report.imported.map((r) => (r.id === r.from ? `${r.id} (${r.kind})` : `${r.from} as ${r.id} (${r.kind}; its id was taken here)`));
      io.stdout.write(`imported ${report.imported.length} run(s) into ${studio.store.path}: ${runs.join(', ')}; ${report.files} file(s) of ${megabytes(report.fileBytes)} into ${studio.workDir}\n`);
      for (const r of report.skipped) io.stdout.write(`  ${r.from} (${r.kind}) was already here as ${r.id}: skipped\n`);
      for (const l of report.external) io.stdout.write(`  run ${l.from} names run ${l.runId}, not in the archive: ${l.present ? 'this store has it' : 'this store does not have it (import its archive too)'}\n`);
      for (const m of report.missing) io.stdout.write(`  ${m} was gone when exported: its row came, the file did not\n`);
    }
    return 0;
  } finally {
    await studio.close();
  }
}
