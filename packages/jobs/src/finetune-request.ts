import type { RunStore } from '@oqat/runs';
import { isStaticSubnetFile } from '@oqat/search';
import { JobConfigError } from './errors';
import { FINETUNE_FIELDS } from './finetune-fields';
import type { FinetuneJobInput } from './finetune-job';
import type { FinetuneNumbers, FinetuneRunRequest } from './studio-service';
import { checkPostTrainingBasics, checkSubnetSource, resolveSubnetSource } from './subnet-source';

/** What `oqat finetune` (and the app) ask for: the service's request type. */
export type FinetuneRequest = FinetuneRunRequest;

export const FINETUNE_METHODS = ['dnf', 'plain'] as const;

const KNOWN = new Set(['runId', 'checkpoint', 'subnet', 'candidateId', 'bits', 'method', 'seed', 'backend', ...FINETUNE_FIELDS.map((f) => f.key)]);

/** A request from any caller checked field by field: one line for the first problem. */
export function checkFinetuneRequest(r: FinetuneRequest): void {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new JobConfigError('finetune request', `must be an object, got ${JSON.stringify(r)}`);
  const stray = Object.keys(r).find((k) => !KNOWN.has(k));
  if (stray) throw new JobConfigError(stray, `is not a finetune setting (known: ${[...KNOWN].join(', ')})`);
  checkSubnetSource(r, 'finetune');
  if (!FINETUNE_METHODS.includes(r.method)) throw new JobConfigError('method', `must be ${FINETUNE_METHODS.join(' or ')}, got ${JSON.stringify(r.method)}`);
  if (r.bits !== undefined && !(Number.isInteger(r.bits) && r.bits >= 1 && r.bits <= 32)) throw new JobConfigError('bits', `must be a whole number of bits (a trained width, 32 = float), got ${JSON.stringify(r.bits)}`);
  for (const { key, type, min, max } of FINETUNE_FIELDS) {
    const v = r[key];
    if (v === undefined) continue;
    const whole = type === 'integer';
    if (typeof v !== 'number' || !Number.isFinite(v) || (whole && !Number.isInteger(v)) || v < min! || v > max!) {
      throw new JobConfigError(key, `must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
  }
  checkPostTrainingBasics({ testImages: r.testImages ?? 0, bnImages: r.bnImages ?? 0, seed: r.seed, backend: r.backend });
}

/** The request's settings with the defaults filled in (the device's parameters stay as given: the job adds the run's and the device's). */
export function finetuneSettings(r: FinetuneNumbers): FinetuneJobInput['settings'] {
  const pick = (key: keyof FinetuneNumbers): number => r[key] ?? (FINETUNE_FIELDS.find((f) => f.key === key)!.default as number);
  return {
    steps: pick('steps'), lr: pick('lr'), batchSize: pick('batchSize'), momentum: pick('momentum'),
    calibrationImages: pick('calibrationImages'), refreshSteps: pick('refreshSteps'), testImages: pick('testImages'), bnImages: pick('bnImages'),
  };
}

/**
 * The finetune job's input: the checkpoint and subnet of the source named
 * (a subnet file a finetune run wrote needs no subnet: it is one), the
 * settings with their defaults, the device parameters given.
 */
export async function toFinetuneJobInput(
  store: RunStore, request: FinetuneRequest, checkpointOf: (runId: string) => Promise<string>, workDir: string, checkpointBytes?: Uint8Array,
): Promise<FinetuneJobInput> {
  checkFinetuneRequest(request);
  const device = Object.fromEntries(FINETUNE_FIELDS.filter((f) => f.device && request[f.key] !== undefined).map((f) => [f.key, request[f.key]!]));
  const common = { method: request.method, settings: finetuneSettings(request), device, seed: request.seed, backend: request.backend, workDir };
  if (request.checkpoint !== undefined && isStaticSubnetFile(request.checkpoint, checkpointBytes)) {
    if (request.bits !== undefined) throw new JobConfigError('bits', `${request.checkpoint} is a subnet file: its bits are fixed (leave bits out)`);
    return { checkpoint: request.checkpoint, ...common };
  }
  const source = await resolveSubnetSource(store, request, checkpointOf, 'finetune', true);
  return { ...source, ...(request.bits !== undefined ? { bits: request.bits } : {}), ...common };
}
