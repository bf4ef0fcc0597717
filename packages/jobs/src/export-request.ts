import { ONNX_MODES, type OnnxMode } from '@oqat/export';
import { JobConfigError } from './errors';
import type { ExportOnnxMode, ExportRequest } from './studio-service';

// The service's spelling of the ONNX modes is @oqat/export's.
const SAME_MODES: [ExportOnnxMode] extends [OnnxMode] ? ([OnnxMode] extends [ExportOnnxMode] ? true : never) : never = true;
void SAME_MODES;

const FORMATS = ['tfjs', 'onnx', 'packed'];

/** An ExportRequest from a caller (HTTP, IPC: any JSON) checked field by field, one line for the first problem. */
export function checkExportRequest(request: unknown): asserts request is ExportRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new JobConfigError('export request', `must be an object {runId, candidateId, formats, outDir, overwrite?}, got ${JSON.stringify(request) ?? String(request)}`);
  }
  const { runId, candidateId, formats, outDir, overwrite, onnxMode } = request as Record<string, unknown>;
  if (typeof runId !== 'string' || runId === '') throw new JobConfigError('runId', `must be a run id, got ${JSON.stringify(runId)}`);
  if (!Number.isInteger(candidateId)) throw new JobConfigError('candidateId', `must be a candidate id (a whole number), got ${JSON.stringify(candidateId)}`);
  if (!Array.isArray(formats) || formats.length === 0 || formats.some((f) => !FORMATS.includes(f as string))) {
    throw new JobConfigError('formats', `must list one or more of ${FORMATS.join(', ')}, got ${JSON.stringify(formats)}`);
  }
  if (typeof outDir !== 'string' || outDir.trim() === '') throw new JobConfigError('outDir', `must be a folder path, got ${JSON.stringify(outDir)}`);
  if (overwrite !== undefined && typeof overwrite !== 'boolean') throw new JobConfigError('overwrite', `must be true or false, got ${JSON.stringify(overwrite)}`);
  if (onnxMode !== undefined && !ONNX_MODES.includes(onnxMode as never)) throw new JobConfigError('onnxMode', `must be one of ${ONNX_MODES.join(', ')}, got ${JSON.stringify(onnxMode)}`);
}
