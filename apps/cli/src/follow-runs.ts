import type { RunEventDto, Studio } from '@oqat/jobs';
import { printJson, type CliIo } from './io';
import { ProgressBar } from './progress-bar';

/**
 * Shows the runs a command started until they (and any runs chained after
 * them) end: a progress bar per run and its log lines, or every event as
 * NDJSON with --json. Ctrl-C cancels them, leaving their last checkpoint.
 */
export async function followRuns(studio: Studio, io: CliIo, json: boolean): Promise<{ failed: string[]; cancelled: boolean }> {
  const bars = new Map<string, ProgressBar>();
  const failed: string[] = [];
  let cancelled = false;
  const unsubscribe = studio.onRunEvent((e: RunEventDto) => {
    if (json) return printJson(io, e);
    const p = e.payload as Record<string, unknown>;
    if (e.kind === 'progress') {
      let bar = bars.get(e.runId);
      if (!bar) bars.set(e.runId, (bar = new ProgressBar(io, e.runId)));
      bar.update({ current: p.current as number, total: p.total as number, status: p.status as string | undefined });
    } else if (e.kind === 'log' && p.level !== 'debug') {
      bars.get(e.runId)?.done();
      io.stderr.write(`${e.runId} ${p.message as string}\n`);
    } else if (e.kind === 'started' || e.kind === 'finished' || e.kind === 'failed' || e.kind === 'cancelled' || e.kind === 'interrupted') {
      bars.get(e.runId)?.done();
      const detail = e.kind === 'failed' ? `: ${p.error as string}` : '';
      io.stderr.write(`${e.runId} ${e.kind}${detail}\n`);
      if (e.kind === 'failed') failed.push(e.runId);
    }
  });
  const onSigint = () => {
    cancelled = true;
    io.stderr.write('\ncancelling (the last checkpoint is kept; `oqat resume RUN` continues)…\n');
    void studio.listRuns().then((runs) =>
      Promise.all(runs.filter((r) => r.status === 'running' || r.status === 'queued').map((r) => studio.cancelRun(r.id).catch(() => undefined))),
    );
  };
  process.once('SIGINT', onSigint);
  try {
    await studio.idle();
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    for (const bar of bars.values()) bar.done();
  }
  return { failed, cancelled };
}
