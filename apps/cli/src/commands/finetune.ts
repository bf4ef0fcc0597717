import { resolve } from 'node:path';
import type { FinetuneJobResult, FinetuneRequest } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { finetuneNumbers } from '../finetune-options';
import { formatPercent, formatTable } from '../format-table';
import { printJson, type CliIo } from '../io';
import { intOption } from '../options';
import { runToEnd } from '../run-to-end';
import { subnetOf } from './eval';

const points = (a: number, b: number): string => `${((b - a) * 100).toFixed(2)}`;

export function formatFinetuneResult(r: FinetuneJobResult): string {
  const label = r.method === 'dnf' ? 'DNF' : 'plain finetuning';
  const d = r.device;
  const table = formatTable(['SUBNET', 'DIGITAL TOP-1', 'ANALOG TOP-1'], [
    ['before', formatPercent(r.before.digital), formatPercent(r.before.analog)],
    [`after ${label}, ${r.steps} steps`, formatPercent(r.after.digital), formatPercent(r.after.analog)],
    ['Δ (pt)', points(r.before.digital, r.after.digital), points(r.before.analog, r.after.analog)],
  ]);
  return [
    table.trimEnd(),
    `analog device: tile ${d.blockSize}, DAC/weight/ADC ${d.inputBits}/${d.weightBits}/${d.adcBits} bits, gain ${d.gain}, noise ${d.noise} of full scale; ${r.testImages} test images`,
    `${label}: lr ${r.settings.lr}, batch ${r.settings.batchSize}, ${r.seconds.steps.toFixed(1)} s of steps${r.method === 'dnf' ? ` + ${r.seconds.calibration.toFixed(1)} s measuring the noise (${r.settings.calibrationImages} images, every ${r.settings.refreshSteps || '-'} steps)` : ''}${r.loss ? `; loss ${r.loss.first.toFixed(3)} → ${r.loss.last.toFixed(3)}` : ''}`,
    r.noise ? `differential noise (last measured, ${r.noise.layers} layers): mean ${r.noise.mean.toPrecision(3)}, std ${r.noise.std.toPrecision(3)}` : '',
    `finetuned subnet: ${r.file.path} (${r.file.bytes} bytes); measure it again: oqat finetune --checkpoint ${r.file.path} --steps 0`,
    `subnet: ${JSON.stringify(r.spec)}`,
  ].filter(Boolean).join('\n') + '\n';
}

/** `oqat finetune`: DNF (or plain) finetuning of a trained subnet for the analog device, as a finetune run. */
export async function finetune(o: ParsedOptions, io: CliIo): Promise<number> {
  if ((typeof o.run === 'string') === (typeof o.checkpoint === 'string')) throw new UsageError('give --run RUN (a training, search or tune run) or --checkpoint FILE (a supernet.ckpt, or a subnet file oqat finetune wrote)');
  const method = o.method ?? 'dnf';
  if (method !== 'dnf' && method !== 'plain') throw new UsageError(`--method must be dnf or plain, got '${String(method)}'`);
  const candidate = o.candidate === undefined ? undefined : intOption(o.candidate, 'candidate', 0, 0);
  if (candidate !== undefined && typeof o.run !== 'string') throw new UsageError('--candidate goes with --run SEARCH_RUN');
  const request: FinetuneRequest = {
    ...(typeof o.run === 'string' ? { runId: o.run } : { checkpoint: resolve(io.cwd, o.checkpoint as string) }),
    ...(candidate !== undefined ? { candidateId: candidate } : { subnet: subnetOf(o.subnet, io) }),
    ...(o.bits !== undefined ? { bits: intOption(o.bits, 'bits', 0, 1, 32) } : {}),
    method,
    ...finetuneNumbers(o),
    seed: intOption(o.seed, 'seed', 1, 0),
    backend: (o.backend ?? 'auto') as FinetuneRequest['backend'],
  };
  const json = !!o.json;
  return runToEnd<FinetuneJobResult>(io, o.db, json, (studio) => studio.startFinetune(request), (_, runId, result) => {
    if (json) printJson(io, { kind: 'summary', runId, result });
    else io.stdout.write(formatFinetuneResult(result));
  });
}
