import { resolve } from 'node:path';
import type { CompressJobResult, CompressRequest } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import { methodSettings } from '../compress-options';
import { UsageError } from '../errors';
import { formatPercent, formatTable } from '../format-table';
import { printJson, type CliIo } from '../io';
import { intOption } from '../options';
import { runToEnd } from '../run-to-end';
import { subnetOf } from './eval';

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

export function formatCompressResult(r: CompressJobResult): string {
  const label = r.method === 'alq' ? 'ALQ' : 'VQ';
  const table = formatTable(['MODEL', 'TOP-1', 'Δ FLOAT (pt)', 'WEIGHT BYTES', 'RATIO', 'BITS/WEIGHT'], [
    ['float', formatPercent(r.float.top1), '0.00', r.float.weightBytes, '1.0', '32'],
    [`${label} (app)`, formatPercent(r.compressed.top1), ((r.compressed.top1 - r.float.top1) * 100).toFixed(2), r.compressed.modelBytes, r.compressed.ratio.toFixed(1), r.compressed.bitsPerWeight.toFixed(3)],
    ['model.oqatc (tfjs)', formatPercent(r.files.container.top1), ((r.files.container.top1 - r.float.top1) * 100).toFixed(2), `file ${r.files.container.bytes}`, '-', '-'],
    ['model.onnx (onnxruntime)', formatPercent(r.files.onnx.top1), ((r.files.onnx.top1 - r.float.top1) * 100).toFixed(2), `file ${r.files.onnx.bytes}`, '-', '-'],
  ]);
  return [
    table.trimEnd(),
    `${label}: ${r.layers.length} layers compressed in ${r.compressed.seconds.toFixed(1)} s; weights only, activations float; top-1 on ${r.testImages} test images; weight bytes: conv/linear weights (compressed ones with their coefficients or codebooks), BN and biases left out`,
    r.skipped.length ? `float32: ${r.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}` : '',
    r.finetune ? `finetuning: ${r.finetune}` : 'no finetuning',
    `files: ${r.files.outDir} (model.oqatc ${kib(r.files.container.bytes)}, model.onnx ${kib(r.files.onnx.bytes)})`,
    `subnet (float weights): ${JSON.stringify(r.spec)}`,
  ].filter(Boolean).join('\n') + '\n';
}

/** `oqat compress`: ALQ or VQ compression of a trained subnet's weights, as a compress run that writes its files. */
export async function compress(o: ParsedOptions, io: CliIo): Promise<number> {
  if ((typeof o.run === 'string') === (typeof o.checkpoint === 'string')) throw new UsageError('give --run RUN (a training, search or tune run) or --checkpoint supernet.ckpt');
  if (o.method !== 'alq' && o.method !== 'vq') throw new UsageError(`--method must be alq or vq, got '${String(o.method)}'`);
  const method = o.method;
  const candidate = o.candidate === undefined ? undefined : intOption(o.candidate, 'candidate', 0, 0);
  if (candidate !== undefined && typeof o.run !== 'string') throw new UsageError('--candidate goes with --run SEARCH_RUN');
  const request: CompressRequest = {
    ...(typeof o.run === 'string' ? { runId: o.run } : { checkpoint: resolve(io.cwd, o.checkpoint as string) }),
    ...(candidate !== undefined ? { candidateId: candidate } : { subnet: subnetOf(o.subnet, io) }),
    method,
    ...methodSettings(method, o),
    validationImages: intOption(o['validation-images'], 'validation-images', 500, 0),
    testImages: intOption(o['test-images'], 'test-images', 0, 0),
    bnImages: intOption(o['bn-images'], 'bn-images', 1000, 0),
    seed: intOption(o.seed, 'seed', 1, 0),
    backend: (o.backend ?? 'auto') as CompressRequest['backend'],
    ...(typeof o.out === 'string' ? { outDir: resolve(io.cwd, o.out) } : {}),
    ...(o.overwrite ? { overwrite: true } : {}),
  };
  const json = !!o.json;
  return runToEnd<CompressJobResult>(io, o.db, json, (studio) => studio.startCompress(request), (_, runId, result) => {
    if (json) printJson(io, { kind: 'summary', runId, result: { ...result, layers: result.layers.length } });
    else io.stdout.write(formatCompressResult(result));
  });
}
