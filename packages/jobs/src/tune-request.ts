import type { RunStore } from '@oqat/runs';
import { JobConfigError } from './errors';
import { deviceRegistry } from './register-device';
import { DEFAULT_RUN_CONFIG } from './run-defaults';
import { DEFAULT_VALIDATION } from './validation-split';
import type { SearchJobInput } from './search-job';
import type { TrainJobInput } from './train-job';
import type { TuneCost, TuneGoal, TuneJobInput, TuneMethod, TuneModel } from './tune-job';

/** What `oqat tune` asks for: a search candidate, or a subnet of a training run's supernet. */
export interface TuneRequest extends TuneGoal {
  /** a search run (with candidateId) or a training run (with subnet) */
  runId: string;
  candidateId?: number;
  /** with a training run: largest, middle, smallest or a SubnetSpec JSON value */
  subnet?: unknown;
  /** validation images per evaluation and BN re-estimation images (quick runs); default: the search's, or the whole split and 1,000 */
  validationImages?: number;
  bnImages?: number;
}

const COSTS: readonly TuneCost[] = ['latency', 'bytes', 'bitops'];
const METHODS: readonly TuneMethod[] = ['exact', 'greedy'];
const MODELS: readonly TuneModel[] = ['lowered', 'raised'];

function checkRequest(r: TuneRequest, devices: readonly string[]): void {
  if (!(r.minAccuracy > 0 && r.minAccuracy <= 1)) throw new JobConfigError('minAccuracy', `must be a top-1 share in (0, 1], got ${JSON.stringify(r.minAccuracy)}`);
  if (!devices.includes(r.device)) throw new JobConfigError('device', `must be one of ${devices.join(', ')}, got ${JSON.stringify(r.device)}`);
  if (!COSTS.includes(r.cost)) throw new JobConfigError('cost', `must be one of ${COSTS.join(', ')}, got ${JSON.stringify(r.cost)}`);
  if (!MODELS.includes(r.model)) throw new JobConfigError('model', `must be one of ${MODELS.join(', ')}, got ${JSON.stringify(r.model)}`);
  if (!METHODS.includes(r.method)) throw new JobConfigError('method', `must be one of ${METHODS.join(', ')}, got ${JSON.stringify(r.method)}`);
  for (const key of ['testImages', 'validationImages', 'bnImages'] as const) {
    const n = r[key];
    if (n !== undefined && !(Number.isInteger(n) && n >= 0)) throw new JobConfigError(key, `must be a whole number ≥ 0, got ${JSON.stringify(n)}`);
  }
  if (!(Number.isInteger(r.maxRounds) && r.maxRounds >= 1 && r.maxRounds <= 50)) throw new JobConfigError('maxRounds', `must be a whole number from 1 to 50, got ${JSON.stringify(r.maxRounds)}`);
}

/**
 * The tune job's input: the checkpoint, subnet and held-out split of the
 * run named (a search's candidate is tuned on the split the search scored it
 * on; a training run's subnet on the split its training held out).
 */
export async function toTuneJobInput(
  store: RunStore, request: TuneRequest, checkpointOf: (runId: string) => Promise<string>, workDir: string,
): Promise<TuneJobInput> {
  checkRequest(request, deviceRegistry(workDir).known());
  const run = await store.getRun(request.runId);
  const common = {
    minAccuracy: request.minAccuracy, device: request.device, cost: request.cost, method: request.method, model: request.model, maxRounds: request.maxRounds,
    testImages: request.testImages, workDir, parentRunId: run.id,
  };
  const sizes = (validationImages: number, bnImages: number) => ({
    validationImages: request.validationImages ?? validationImages, bnImages: request.bnImages || bnImages,
  });
  if (run.kind === 'search') {
    const candidate = typeof request.candidateId === 'number' ? await store.getCandidate(run.id, request.candidateId) : undefined;
    if (!candidate) throw new JobConfigError('candidate', `${JSON.stringify(request.candidateId)} is not a candidate of search run ${run.id} (see 'oqat runs show ${run.id}')`);
    const s = run.config as SearchJobInput;
    return {
      ...common, ...sizes(s.validationImages, s.bnImages), checkpoint: s.checkpoint, spec: candidate.spec, candidateId: candidate.id, validation: s.validation,
      cpuSamples: s.cpuSamples, seed: s.seed, backend: s.backend,
    };
  }
  if (run.kind === 'train') {
    if (request.subnet === undefined) throw new JobConfigError('subnet', `is required with training run ${run.id}: largest, middle, smallest or a SubnetSpec`);
    const t = run.config as Partial<TrainJobInput>;
    return {
      ...common, ...sizes(0, 1000), checkpoint: await checkpointOf(run.id), spec: request.subnet, validation: t.validation ?? DEFAULT_VALIDATION, cpuSamples: DEFAULT_RUN_CONFIG.latencySamples, seed: run.seed ?? 1, backend: t.backend ?? 'auto',
    };
  }
  throw new JobConfigError('runId', `${run.id} is a ${run.kind} run; tune a search run's candidate or a training run's subnet`);
}
