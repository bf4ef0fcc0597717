import type { RunStore } from '@oqat/runs';
import { PTQ_CALIBRATIONS, PTQ_GRANULARITIES } from '@oqat/search';
import { JobConfigError } from './errors';
import type { QuantizeJobInput } from './quantize-job';
import type { QuantizeRunRequest } from './studio-service';
import { checkPostTrainingBasics, checkSubnetSource, resolveSubnetSource } from './subnet-source';

/** What `oqat quantize` (and the app) ask for: the service's request type. */
export type QuantizeRequest = QuantizeRunRequest;

/** A request from any caller checked field by field: one line for the first problem. */
export function checkQuantizeRequest(r: QuantizeRequest): void {
  checkSubnetSource(r, 'quantize');
  if (!(Number.isInteger(r.bits) && r.bits >= 2 && r.bits <= 8)) throw new JobConfigError('bits', `must be a whole number of bits from 2 to 8 (INT8: 8, INT4: 4), got ${JSON.stringify(r.bits)}`);
  if (!PTQ_GRANULARITIES.includes(r.granularity)) throw new JobConfigError('granularity', `must be ${PTQ_GRANULARITIES.join(' or ')}, got ${JSON.stringify(r.granularity)}`);
  if (!PTQ_CALIBRATIONS.includes(r.calibration)) throw new JobConfigError('calibration', `must be one of ${PTQ_CALIBRATIONS.join(', ')}, got ${JSON.stringify(r.calibration)}`);
  if (!(typeof r.percentile === 'number' && r.percentile > 50 && r.percentile <= 100)) throw new JobConfigError('percentile', `must be a number in (50, 100], got ${JSON.stringify(r.percentile)}`);
  if (r.multiTensor !== undefined) {
    const { terms, factor } = r.multiTensor;
    if (!(Number.isInteger(terms) && terms >= 2 && terms <= 8)) throw new JobConfigError('multiTensor.terms', `must be a whole number of tensors from 2 to 8, got ${JSON.stringify(terms)}`);
    if (!(typeof factor === 'number' && factor >= 1 && Number.isFinite(factor))) throw new JobConfigError('multiTensor.factor', `must be a number ≥ 1 (times the median relative error), got ${JSON.stringify(factor)}`);
  }
  if (!(Number.isInteger(r.calibrationImages) && r.calibrationImages >= 1 && r.calibrationImages <= 60000)) {
    throw new JobConfigError('calibrationImages', `must be a whole number of images from 1 to 60000, got ${JSON.stringify(r.calibrationImages)}`);
  }
  checkPostTrainingBasics(r);
}

/** The quantize job's input: the checkpoint of the run named (or the file given) and the request's settings. */
export async function toQuantizeJobInput(store: RunStore, request: QuantizeRequest, checkpointOf: (runId: string) => Promise<string>): Promise<QuantizeJobInput> {
  checkQuantizeRequest(request);
  const { runId: _run, checkpoint: _ckpt, subnet: _subnet, ...settings } = request;
  const { checkpoint, spec, parentRunId } = await resolveSubnetSource(store, request, checkpointOf, 'quantize');
  return { ...settings, checkpoint, spec, ...(parentRunId ? { parentRunId } : {}) };
}
