import { join } from 'node:path';
import type { JobContext } from '@oqat/runs';
import { CHECKPOINT_FILE, parseTrainConfig, train, type TrainConfig, type TrainEvent } from '@oqat/search';
import type { BackendRequest } from '@oqat/engine';
import { trainJobData } from './train-job-data';
import type { ValidationSpec } from './validation-split';

export interface TrainJobInput {
  /** the resolved training config (validated again in the worker) */
  train: TrainConfig;
  backend: BackendRequest;
  threads?: number;
  /** held out of training so that the search measures subnets on images they never saw */
  validation: ValidationSpec;
  /** folder under which each run keeps its files, in <workDir>/<runId>/ */
  workDir: string;
}

export interface TrainJobResult {
  checkpoint?: string;
  steps: number;
  seconds: number;
  /** score of the largest subnet at each phase's end, by phase: top-1, or mIoU for segmentation */
  largestTop1: Record<string, number>;
  bestAccuracy?: number;
}

/**
 * Training batches a run prepares ahead of the step on a worker thread (the
 * same batches, so the same weights): the host's gather/resize/augment share
 * leaves the step's thread (docs/benchmarks-data.md, "Batches prepared ahead").
 */
const PREFETCH_BATCHES = 2;

/** Folder of a run's files: checkpoints, exports, reports. */
export function runDir(workDir: string, runId: string): string {
  return join(workDir, runId);
}

/**
 * Runs OQAT training inside a runs worker: every training event becomes run
 * progress, metrics and checkpoints in the store. Stopping unsubscribes, which
 * ends training after the current step; the last periodic checkpoint is what a
 * resume continues from.
 */
export async function trainJob(input: TrainJobInput, ctx: JobContext<TrainEvent>): Promise<TrainJobResult> {
  const dir = runDir(input.workDir, ctx.runId);
  const parsed = parseTrainConfig({ ...input.train, checkpoint: { ...input.train.checkpoint, dir } });
  const resumeFrom = ctx.resumeFrom?.path;
  const pending: Array<Promise<void>> = [];
  const result: TrainJobResult = { steps: 0, seconds: 0, largestTop1: {} };
  let lastStep = 0;
  const { config, dataset, segmentation, warnings } = await trainJobData(parsed, input.workDir, input.validation);
  for (const line of warnings) ctx.log('warn', line);

  await new Promise<void>((resolve, reject) => {
    const options = { backend: input.backend, threads: input.threads, resumeFrom, dataset, prefetch: PREFETCH_BATCHES, ...(segmentation ? { segmentationDataset: segmentation } : {}) };
    const subscription = train(config, options).subscribe({
      next: (event) => {
        lastStep = recordEvent(event, ctx, pending, result, lastStep);
      },
      error: reject,
      complete: resolve,
    });
    ctx.signal.addEventListener('abort', () => {
      subscription.unsubscribe();
      resolve();
    });
  });
  await Promise.all(pending);
  result.checkpoint ??= join(dir, CHECKPOINT_FILE);
  return result;
}

function recordEvent(
  event: TrainEvent,
  ctx: JobContext<TrainEvent>,
  pending: Array<Promise<void>>,
  result: TrainJobResult,
  lastStep: number,
): number {
  switch (event.kind) {
    case 'started':
      ctx.log('info', `training on ${event.backend} (${event.threads} thread(s)), ${event.totalSteps} steps, ${event.trainImages} train images, seed ${event.seed}` + (event.resumedFrom ? `, resumed at step ${event.resumedFrom.step}` : ''));
      return lastStep;
    case 'phase':
      ctx.log('info', `phase ${event.phase}: ${event.epochs} epoch(s) at ${event.bits} bit, step sizes ${typeof event.init === 'string' ? event.init : JSON.stringify(event.init)}`);
      return lastStep;
    case 'step':
      ctx.progress(event.step, event.totalSteps, `${event.phase} · loss ${event.loss.toFixed(3)} · ${Math.round(event.samplesPerSec)} img/s`, event);
      ctx.metric('loss', event.loss, event.step, event.phase);
      ctx.metric('lr', event.lr, event.step, event.phase);
      ctx.metric('samplesPerSec', event.samplesPerSec, event.step, event.phase);
      if (event.sq) {
        // SQ: the share of the elastic layers' weights quantized this step, and the mean error of the chosen filters vs all.
        ctx.metric('sqShare', event.sq.share, event.step, event.phase);
        if (event.sq.errorQuantized !== undefined) ctx.metric('sqErrorQuantized', event.sq.errorQuantized, event.step, event.phase);
        if (event.sq.errorAll !== undefined) ctx.metric('sqErrorAll', event.sq.errorAll, event.step, event.phase);
      }
      return event.step;
    case 'sq-stage':
      ctx.log('info', `${event.phase} SQ stage ${event.stage + 1}/${event.stages}: ${(event.ratio * 100).toFixed(1)} % of each elastic layer's filters quantized from step ${event.step}`);
      return lastStep;
    case 'epoch':
      ctx.metric('epochLoss', event.meanLoss, lastStep, event.phase);
      return lastStep;
    case 'eval': {
      const r = event.result;
      const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
      ctx.metric(`${r.segmentation ? 'miou' : 'top1'}/${event.which}`, r.score, lastStep, event.phase);
      const figures = (r.segmentation ? `mIoU ${pct(r.segmentation.miou)}, pixel accuracy ${pct(r.top1)}` : `top-1 ${pct(r.top1)}`)
        + (event.analog ? `, on the analog device ${pct(event.analog.top1)} (gain ${event.analog.device.gain}, ADC ${event.analog.device.adcBits} bits)` : '');
      // the app's accuracy charts show it as its own series beside the subnet's
      if (event.analog) ctx.metric(`top1/${event.which}-analog`, event.analog.top1, lastStep, event.phase);
      ctx.log('info', `${event.phase} ${event.which}: ${figures}`);
      if (event.which === 'largest') {
        result.largestTop1[event.phase] = r.score;
        result.bestAccuracy = Math.max(result.bestAccuracy ?? 0, r.score);
      }
      return lastStep;
    }
    case 'learned-bits': {
      const counts = new Map<number, number>();
      for (const b of Object.values(event.widths)) counts.set(b, (counts.get(b) ?? 0) + 1);
      const histogram = [...counts].sort(([a], [b]) => b - a).map(([b, n]) => `${n} at ${b}`).join(', ');
      ctx.metric('learnedAverageBits', event.averageBits, lastStep, event.phase);
      ctx.log('info', `${event.phase} DropBits learned widths: ${histogram} (mean ${event.averageBits.toFixed(2)} bits), top-1 ${(event.result.score * 100).toFixed(2)} %` + (event.path ? `; subnet in ${event.path}` : ''));
      return lastStep;
    }
    case 'checkpoint':
      pending.push(ctx.checkpoint(event.path, event.step));
      result.checkpoint = event.path;
      return lastStep;
    case 'phase-end':
      ctx.log('info', `phase ${event.phase} done: ${event.trainSeconds.toFixed(1)} s, ${Math.round(event.samplesPerSec)} img/s`);
      return lastStep;
    case 'finished':
      result.steps = event.steps;
      result.seconds = event.seconds;
      if (event.checkpoint) result.checkpoint = event.checkpoint;
      return lastStep;
  }
}
