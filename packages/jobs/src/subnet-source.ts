import type { RunStore } from '@oqat/runs';
import { parseSubnetSpec, type SubnetSpec } from '@oqat/search';
import { JobConfigError } from './errors';
import { NAMED_SUBNETS, type NamedSubnet } from './evaluate-checkpoint';

/**
 * Where a post-training step (oqat quantize, oqat compress) takes its
 * trained float subnet from: a training run's supernet or a supernet.ckpt
 * file with a subnet (largest, middle, smallest or a SubnetSpec), or a
 * search or tune run's candidate. One reader for both requests.
 */
export interface SubnetSource {
  runId?: string;
  checkpoint?: string;
  subnet?: unknown;
  candidateId?: number;
}

/** The source resolved: the checkpoint file and the subnet (its bits replaced by 32 later, floatSpec). */
export interface ResolvedSubnetSource {
  checkpoint: string;
  spec: unknown;
  parentRunId?: string;
  candidateId?: number;
}

/** The fields every post-training request shares: test and BN images, the seed, the backend. */
export interface PostTrainingBasics {
  testImages: number;
  bnImages: number;
  seed: number;
  backend: string;
}

const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** One line for the first problem of the source: exactly one of run and checkpoint; what `what` starts from. */
export function checkSubnetSource(r: SubnetSource, what: string): void {
  if ((r.runId === undefined) === (r.checkpoint === undefined)) throw new JobConfigError('runId', `or checkpoint: give exactly one, the training run or the supernet.ckpt to ${what}`);
  if (r.candidateId !== undefined && !Number.isInteger(r.candidateId)) throw new JobConfigError('candidateId', `must be a candidate id (a whole number), got ${JSON.stringify(r.candidateId)}`);
}

/** One line for the first problem of the shared fields. */
export function checkPostTrainingBasics(r: PostTrainingBasics): void {
  for (const key of ['testImages', 'bnImages', 'seed'] as const) {
    const n = r[key];
    if (!(Number.isInteger(n) && n >= 0)) throw new JobConfigError(key, `must be a whole number ≥ 0, got ${JSON.stringify(n)}`);
  }
  if (!BACKENDS.includes(r.backend)) throw new JobConfigError('backend', `must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(r.backend)}`);
}

/**
 * The checkpoint and subnet a source names. Training (and demo) runs: their
 * supernet and the request's subnet; with `candidates`, search and tune
 * runs: the checkpoint they searched and the candidate's subnet.
 */
export async function resolveSubnetSource(
  store: RunStore, r: SubnetSource, checkpointOf: (runId: string) => Promise<string>, what: string, candidates = false,
): Promise<ResolvedSubnetSource> {
  if (r.runId === undefined) {
    if (r.subnet === undefined) throw new JobConfigError('subnet', `is required with a checkpoint: largest, middle, smallest or a SubnetSpec`);
    return { checkpoint: r.checkpoint!, spec: r.subnet };
  }
  const run = await store.getRun(r.runId);
  if (run.kind === 'train' || run.kind === 'demo') {
    if (r.subnet === undefined) throw new JobConfigError('subnet', `is required with training run ${run.id}: largest, middle, smallest or a SubnetSpec`);
    return { checkpoint: await checkpointOf(run.id), spec: r.subnet, parentRunId: run.id };
  }
  if (candidates && (run.kind === 'search' || run.kind === 'tune')) {
    const candidate = typeof r.candidateId === 'number' ? await store.getCandidate(run.id, r.candidateId) : undefined;
    if (!candidate) throw new JobConfigError('candidateId', `${JSON.stringify(r.candidateId)} is not a candidate of ${run.kind} run ${run.id} (see 'oqat runs show ${run.id}')`);
    const { checkpoint } = run.config as { checkpoint: string };
    return { checkpoint, spec: candidate.spec, parentRunId: run.id, candidateId: candidate.id };
  }
  throw new JobConfigError('runId', `${run.id} is a ${run.kind} run; ${what} a subnet of a training run's supernet${candidates ? ' or a candidate of a search or tune run' : ''}`);
}

/** The float version of a subnet (named, or a spec whose bits become 32 and whose per-layer bits go). */
export function floatSpec(space: Parameters<typeof parseSubnetSpec>[0], spec: unknown): SubnetSpec {
  if (typeof spec === 'string' && spec in NAMED_SUBNETS) return NAMED_SUBNETS[spec as NamedSubnet](space, 32);
  const parsed = parseSubnetSpec(space, spec);
  const { bitsByLayer: _mixed, ...uniform } = parsed;
  return { ...uniform, bits: 32 };
}
