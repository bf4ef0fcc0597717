import { JobConfigError } from './errors';
import type { ExportRequest } from './studio-service';

const FORMATS = ['tfjs', 'onnx', 'packed'];

/** An ExportRequest from a caller (HTTP, IPC: any JSON) checked field by field, one line for the first problem. */
export function checkExportRequest(request: unknown): asserts request is ExportRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new JobConfigError('export request', `must be an object {runId, candidateId, formats, outDir, overwrite?}, got ${JSON.stringify(request) ?? String(request)}`);
  }
  const { runId, candidateId, formats, outDir, overwrite } = request as Record<string, unknown>;
  if (typeof runId !== 'string' || runId === '') throw new JobConfigError('runId', `must be a run id, got ${JSON.stringify(runId)}`);
  if (!Number.isInteger(candidateId)) throw new JobConfigError('candidateId', `must be a candidate id (a whole number), got ${JSON.stringify(candidateId)}`);
  if (!Array.isArray(formats) || formats.length === 0 || formats.some((f) => !FORMATS.includes(f as string))) {
    throw new JobConfigError('formats', `must list one or more of ${FORMATS.join(', ')}, got ${JSON.stringify(formats)}`);
  }
  if (typeof outDir !== 'string' || outDir.trim() === '') throw new JobConfigError('outDir', `must be a folder path, got ${JSON.stringify(outDir)}`);
  if (overwrite !== undefined && typeof overwrite !== 'boolean') throw new JobConfigError('overwrite', `must be true or false, got ${JSON.stringify(overwrite)}`);
}
