import { PredictorFormatError } from '../errors';
import { LutModel } from '../lut/lut-model';
import { PREDICTOR_FORMAT, PREDICTOR_VERSION, type CostModel, type PredictorJson } from './cost-model';
import { FewShotModel, FEWSHOT_GROUPS, FEWSHOT_WORK } from './fewshot-model';
import { FlopsModel } from './flops-model';
import { LAYER_FEATURES } from './layer-features';
import { LearnedModel } from './learned-model';

function checkLearnedFeatures(features: unknown): void {
  if (!Array.isArray(features) || features.join(',') !== LAYER_FEATURES.join(',')) {
    throw new PredictorFormatError(`its feature list (${String(features)}) is not this version's (${LAYER_FEATURES.join(',')}); refit it`);
  }
}

/** Reads a predictor written by `toJSON()` (a parsed object or its JSON text). */
export function predictorFromJson(value: unknown): CostModel {
  let json = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch (err) {
      throw new PredictorFormatError(`not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (typeof json !== 'object' || json === null) throw new PredictorFormatError('expected an object');
  const j = json as Partial<PredictorJson>;
  if (j.format !== PREDICTOR_FORMAT) throw new PredictorFormatError(`format is ${JSON.stringify(j.format)}, expected '${PREDICTOR_FORMAT}'`);
  if (j.version !== PREDICTOR_VERSION) throw new PredictorFormatError(`version ${JSON.stringify(j.version)} is not supported (expected ${PREDICTOR_VERSION})`);
  if (typeof j.device !== 'string') throw new PredictorFormatError('device is missing');
  if (typeof j.constantMs !== 'number' || typeof j.scale !== 'number') throw new PredictorFormatError('constantMs/scale are missing');
  switch (j.kind) {
    case 'flops':
      if (typeof j.msPerMmac !== 'number') throw new PredictorFormatError('msPerMmac is missing');
      return FlopsModel.fromJSON(j as PredictorJson & { kind: 'flops' });
    case 'learned':
      checkLearnedFeatures(j.features);
      if (typeof j.ops !== 'object' || !j.fallback) throw new PredictorFormatError('ops/fallback are missing');
      return new LearnedModel(j as PredictorJson & { kind: 'learned' });
    case 'lut':
      if (!Array.isArray(j.entries) || !j.fallback) throw new PredictorFormatError('entries/fallback are missing');
      checkLearnedFeatures(j.fallback.features);
      return new LutModel(j as PredictorJson & { kind: 'lut' });
    case 'fewshot': {
      const f = j as PredictorJson & { kind: 'fewshot' };
      if (!Array.isArray(f.sources) || !Array.isArray(f.sourceCoef) || !Array.isArray(f.workCoef)) throw new PredictorFormatError('sources/sourceCoef/workCoef are missing');
      if (f.groups?.join(',') !== FEWSHOT_GROUPS.join(',') || f.work?.join(',') !== FEWSHOT_WORK.join(',')) {
        throw new PredictorFormatError(`its groups/work features (${String(f.groups)}; ${String(f.work)}) are not this version's (${FEWSHOT_GROUPS.join(',')}; ${FEWSHOT_WORK.join(',')}); refit it`);
      }
      const shapeOk = f.sourceCoef.length === f.sources.length && [...f.sourceCoef, ...f.workCoef].every((r) => Array.isArray(r) && r.length === FEWSHOT_GROUPS.length && r.every(Number.isFinite));
      if (!shapeOk || f.workCoef.length !== FEWSHOT_WORK.length) throw new PredictorFormatError('its coefficient tables do not match its sources and groups');
      return new FewShotModel(f);
    }
    default:
      throw new PredictorFormatError(`kind ${JSON.stringify(j.kind)} is not one of flops, lut, learned, fewshot`);
  }
}
