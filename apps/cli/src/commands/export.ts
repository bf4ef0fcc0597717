import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ExportFormat, ExportOnnxMode, ExportReport } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { formatPercent } from '../format-table';
import { printJson, type CliIo } from '../io';
import { openStudio } from '../open-studio';

const FORMATS: readonly ExportFormat[] = ['tfjs', 'onnx', 'packed'];

function formatsOf(value: unknown): ExportFormat[] {
  const formats = (typeof value === 'string' ? value : FORMATS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const bad = formats.find((f) => !FORMATS.includes(f as ExportFormat));
  if (bad) throw new UsageError(`--format: unknown format '${bad}', choose from ${FORMATS.join(', ')}`);
  return formats as ExportFormat[];
}

/** What the report's two figures measure. */
function scoreLabel(report: ExportReport): string {
  return report.metric === 'mIoU' ? 'mIoU on the test scenes' : 'accuracy on the test split';
}

export function formatExportReport(report: ExportReport): string {
  const lines = report.artifacts.map((a) => `  ${a.kind.padEnd(14)} ${a.path} (${a.sizeBytes} bytes)`);
  return [
    `exported to ${report.outDir}`,
    ...lines,
    `${scoreLabel(report)}: app ${formatPercent(report.appAccuracy)}, onnxruntime ${formatPercent(report.onnxAccuracy)}`,
    `model bytes: float ${report.floatBytes}${report.packedBytes ? `, packed ${report.packedBytes} (${(report.floatBytes / report.packedBytes).toFixed(1)}× smaller)` : ''}`,
  ].join('\n') + '\n';
}

/** `oqat export`: a search candidate (or any subnet of a checkpoint), classification or segmentation, as tfjs, ONNX and packed files. */
export async function exportCommand(o: ParsedOptions, io: CliIo): Promise<number> {
  const formats = formatsOf(o.format);
  const onnxMode = (typeof o.onnx === 'string' ? o.onnx : 'qdq') as ExportOnnxMode;
  if (typeof o.out !== 'string') throw new UsageError('--out DIR is required');
  const outDir = resolve(io.cwd, o.out);
  const studio = await openStudio(io, o.db);
  try {
    let report: ExportReport;
    if (typeof o.run === 'string') {
      const candidateId = Number(o.candidate);
      if (!Number.isInteger(candidateId)) throw new UsageError(`--candidate N is required with --run (see 'oqat runs show ${o.run}')`);
      report = await studio.exportCandidate({ runId: o.run, candidateId, formats, outDir, overwrite: !!o.overwrite, onnxMode });
    } else if (typeof o.subnet === 'string' && typeof o.checkpoint === 'string') {
      let spec: unknown;
      try {
        spec = JSON.parse(readFileSync(resolve(io.cwd, o.subnet), 'utf8'));
      } catch (err) {
        throw new UsageError(`--subnet: cannot read a JSON SubnetSpec from ${resolve(io.cwd, o.subnet)} (${(err as Error).message.split('\n')[0]})`);
      }
      report = await studio.exportSubnet({
        checkpoint: resolve(io.cwd, o.checkpoint), spec, formats, outDir, backend: 'auto', testImages: 0, bnImages: 1000, seed: 1, onnxMode,
      }, { overwrite: !!o.overwrite });
    } else {
      throw new UsageError('give --run RUN --candidate N, or --subnet FILE.json --checkpoint supernet.ckpt');
    }
    if (o.json) printJson(io, report);
    else io.stdout.write(formatExportReport(report));
    return 0;
  } finally {
    await studio.close();
  }
}
