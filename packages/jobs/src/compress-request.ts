import type { RunStore } from '@oqat/runs';
import { ALQ_DEFAULTS, VQ_DEFAULTS } from '@oqat/search';
import type { CompressJobInput } from './compress-job';
import { JobConfigError } from './errors';
import type { CompressRunRequest } from './studio-service';
import { checkPostTrainingBasics, checkSubnetSource, resolveSubnetSource } from './subnet-source';

/** What `oqat compress` (and the app) ask for: the service's request type. */
export type CompressRequest = CompressRunRequest;

export const COMPRESS_METHODS = ['alq', 'vq'] as const;

/** A method's settings: an object of known fields (the method's defaults name them), each of its default's type (numbers finite). Ranges: the method checks them. */
function checkSettings(field: 'alq' | 'vq', value: unknown, defaults: object): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JobConfigError(field, `must be an object of settings, got ${JSON.stringify(value)}`);
  const known = defaults as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) {
    if (!(key in known)) throw new JobConfigError(`${field}.${key}`, `is not a setting of ${field.toUpperCase()} (its settings: ${Object.keys(known).join(', ')})`);
    if (typeof known[key] === 'boolean') {
      if (typeof v !== 'boolean') throw new JobConfigError(`${field}.${key}`, `must be true or false, got ${JSON.stringify(v)}`);
    } else if (typeof v !== 'number' || !Number.isFinite(v)) throw new JobConfigError(`${field}.${key}`, `must be a number, got ${JSON.stringify(v)}`);
  }
}

/** A request from any caller checked field by field: one line for the first problem. */
export function checkCompressRequest(r: CompressRequest): void {
  if (typeof r !== 'object' || r === null) throw new JobConfigError('compress request', `must be an object, got ${JSON.stringify(r)}`);
  checkSubnetSource(r, 'compress');
  if (!COMPRESS_METHODS.includes(r.method)) throw new JobConfigError('method', `must be ${COMPRESS_METHODS.join(' or ')}, got ${JSON.stringify(r.method)}`);
  checkSettings('alq', r.alq, ALQ_DEFAULTS);
  checkSettings('vq', r.vq, VQ_DEFAULTS);
  if (r.method === 'alq' && r.vq !== undefined) throw new JobConfigError('vq', 'settings were given for method alq');
  if (r.method === 'vq' && r.alq !== undefined) throw new JobConfigError('alq', 'settings were given for method vq');
  if (!(Number.isInteger(r.validationImages) && r.validationImages >= 0)) throw new JobConfigError('validationImages', `must be a whole number ≥ 0, got ${JSON.stringify(r.validationImages)}`);
  checkPostTrainingBasics(r);
  if (r.outDir !== undefined && (typeof r.outDir !== 'string' || r.outDir.trim() === '')) throw new JobConfigError('outDir', `must be a folder path, got ${JSON.stringify(r.outDir)}`);
  if (r.overwrite !== undefined && typeof r.overwrite !== 'boolean') throw new JobConfigError('overwrite', `must be true or false, got ${JSON.stringify(r.overwrite)}`);
}

/** The compress job's input: the checkpoint and subnet of the source named, the method and its settings, where the files go. */
export async function toCompressJobInput(
  store: RunStore, request: CompressRequest, checkpointOf: (runId: string) => Promise<string>, outDir: string | undefined, workDir: string,
): Promise<CompressJobInput> {
  checkCompressRequest(request);
  const source = await resolveSubnetSource(store, request, checkpointOf, 'compress', true);
  return {
    ...source,
    method: request.method,
    ...(request.alq ? { alq: request.alq } : {}),
    ...(request.vq ? { vq: request.vq } : {}),
    validationImages: request.validationImages,
    testImages: request.testImages,
    bnImages: request.bnImages,
    seed: request.seed,
    backend: request.backend,
    ...(outDir ? { outDir } : {}),
    workDir,
  };
}
