import { resolve } from 'node:path';
import type { QuantizeJobResult, QuantizeRequest } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { formatPercent, formatTable } from '../format-table';
import { printJson, type CliIo } from '../io';
import { intOption, numberOption } from '../options';
import { runToEnd } from '../run-to-end';
import { subnetOf } from './eval';

export function formatQuantizeResult(r: QuantizeJobResult): string {
  const rows = r.rows.map((row, i) => [
    `${row.calibration}${row.multiTensor ? ' + multi-tensor' : ''}${i === r.chosen.row ? ' *' : ''}`,
    formatPercent(row.top1), `${((row.top1 - r.float.top1) * 100).toFixed(2)}`, row.calibrationSeconds.toFixed(2), row.weightBytes,
    row.multiTensorLayers.length ? row.multiTensorLayers.length : '-',
  ]);
  const table = formatTable(['CALIBRATION', 'TOP-1', 'Δ FLOAT (pt)', 'SECONDS', 'WEIGHT BYTES', 'MULTI-TENSOR LAYERS'], [
    ['float', formatPercent(r.float.top1), '0.00', '-', r.float.weightBytes, '-'], ...rows,
  ]);
  const chosen = r.rows[r.chosen.row]!;
  return [
    table.trimEnd(),
    `INT${r.bits} weights and inputs (${r.granularity === 'channel' ? 'weights per output channel' : 'per tensor'}; stem, SE and classifier at ${r.fixedBits === 32 ? 'float' : `${r.fixedBits} bit`}), activations calibrated on ${r.calibrationImages} training images (sampled in ${r.samplingSeconds.toFixed(1)} s), top-1 on ${r.testImages} test images`,
    chosen.multiTensorLayers.length ? `multi-tensor layers: ${chosen.multiTensorLayers.join(', ')}` : '',
    `subnet (float weights): ${JSON.stringify(r.spec)}`,
  ].filter(Boolean).join('\n') + '\n';
}

/** `oqat quantize`: MMSE post-training quantization of a trained subnet, as a quantize run. */
export async function quantize(o: ParsedOptions, io: CliIo): Promise<number> {
  if ((typeof o.run === 'string') === (typeof o.checkpoint === 'string')) throw new UsageError('give --run RUN (a training run) or --checkpoint supernet.ckpt');
  const bits = intOption(o.bits, 'bits', 8, 2, 8);
  const multiTensor = o['multi-tensor'] ? {
    terms: intOption(o.tensors, 'tensors', 2, 2, 8),
    factor: numberOption(o['multi-tensor-factor'], 'multi-tensor-factor') ?? 2,
  } : undefined;
  if (multiTensor && multiTensor.factor < 1) throw new UsageError(`--multi-tensor-factor must be ≥ 1, got '${String(o['multi-tensor-factor'])}'`);
  const request: QuantizeRequest = {
    ...(typeof o.run === 'string' ? { runId: o.run } : { checkpoint: resolve(io.cwd, o.checkpoint as string) }),
    subnet: subnetOf(o.subnet, io),
    bits,
    granularity: (o.granularity ?? 'tensor') as QuantizeRequest['granularity'],
    calibration: (o.calibration ?? 'mse') as QuantizeRequest['calibration'],
    percentile: numberOption(o.percentile, 'percentile') ?? 99.99,
    ...(multiTensor ? { multiTensor } : {}),
    calibrationImages: intOption(o['calibration-images'], 'calibration-images', 256, 1, 60000),
    testImages: intOption(o['test-images'], 'test-images', 0, 0),
    bnImages: intOption(o['bn-images'], 'bn-images', 1000, 0),
    seed: intOption(o.seed, 'seed', 1, 0),
    backend: (o.backend ?? 'auto') as QuantizeRequest['backend'],
  };
  const json = !!o.json;
  return runToEnd<QuantizeJobResult>(io, o.db, json, (studio) => studio.startQuantize(request), async (studio, runId, result) => {
    const [candidate] = await studio.candidates(runId);
    if (json) printJson(io, { kind: 'summary', runId, candidateId: candidate?.id, result });
    else {
      const multi = result.rows[result.chosen.row]!.multiTensorLayers.length > 0;
      io.stdout.write(`${formatQuantizeResult(result)}${multi
        ? 'not exportable: the export files hold one integer tensor per weight, not sums of several (quantize without --multi-tensor to export)'
        : `export it: oqat export --run ${runId} --candidate ${candidate?.id} --out DIR`}\n`);
    }
  });
}
