import { InvalidTrainConfigError } from '../errors';
import { FieldReader, type JsonObject } from '../json-fields';
import { SUPPORTED_BITS } from '../space/parse-search-space';
import { DEFAULT_TRAIN_CONFIG, type PhaseConfig, type TrainConfig } from './train-config';

const r = new FieldReader((field, problem) => new InvalidTrainConfigError(field, problem));

/** Reads an optional sub-object, checking its keys against the default's. */
function section<K extends 'data' | 'optimizer' | 'sandwich' | 'checkpoint' | 'eval'>(o: JsonObject, key: K): JsonObject {
  if (o[key] === undefined) return {};
  const s = r.object(o[key], key);
  r.keys(s, key, Object.keys(DEFAULT_TRAIN_CONFIG[key]));
  return s;
}

function readPhase(v: unknown, i: number): PhaseConfig {
  const f = `phases[${i}]`;
  const o = r.object(v, f);
  r.keys(o, f, ['bits', 'epochs', 'lr', 'warmupEpochs']);
  const phase: PhaseConfig = {
    bits: r.oneOf(o.bits, `${f}.bits`, SUPPORTED_BITS),
    epochs: r.int(o.epochs, `${f}.epochs`, 1),
    lr: r.num(o.lr, `${f}.lr`, 1e-8, 10),
    warmupEpochs: r.num(o.warmupEpochs ?? 0, `${f}.warmupEpochs`, 0),
  };
  if (phase.warmupEpochs > phase.epochs) throw r.error(`${f}.warmupEpochs`, `must be at most epochs (${phase.epochs}), got ${phase.warmupEpochs}`);
  return phase;
}

/**
 * Validates a training config JSON value and fills in defaults
 * (DEFAULT_TRAIN_CONFIG). Throws InvalidTrainConfigError naming the first
 * bad field. The space itself is checked when the run resolves it.
 */
export function parseTrainConfig(json: unknown): TrainConfig {
  const o = r.object(json, 'config');
  r.keys(o, '', Object.keys(DEFAULT_TRAIN_CONFIG));
  const d = DEFAULT_TRAIN_CONFIG;
  const data = section(o, 'data');
  const opt = section(o, 'optimizer');
  const sw = section(o, 'sandwich');
  const ck = section(o, 'checkpoint');
  const ev = section(o, 'eval');
  const space = o.space ?? d.space;
  if (typeof space !== 'string' && (typeof space !== 'object' || space === null)) {
    throw r.error('space', `must be a space name or a space object, got ${JSON.stringify(space)}`);
  }
  const phases = o.phases === undefined ? d.phases : r.array(o.phases, 'phases', 1).map(readPhase);
  return {
    seed: r.int(o.seed ?? d.seed, 'seed', 0, Number.MAX_SAFE_INTEGER),
    space: space as TrainConfig['space'],
    data: {
      source: r.oneOf(data.source ?? d.data.source, 'data.source', ['auto', 'subset', 'full'] as const),
      trainLimit: r.int(data.trainLimit ?? d.data.trainLimit, 'data.trainLimit', 0),
      testLimit: r.int(data.testLimit ?? d.data.testLimit, 'data.testLimit', 0),
      augment: r.bool(data.augment ?? d.data.augment, 'data.augment'),
      bnImages: r.int(data.bnImages ?? d.data.bnImages, 'data.bnImages', 1),
    },
    batchSize: r.int(o.batchSize ?? d.batchSize, 'batchSize', 2, 4096),
    stepsPerEpoch: r.int(o.stepsPerEpoch ?? d.stepsPerEpoch, 'stepsPerEpoch', 0),
    fixedBits: r.oneOf(o.fixedBits ?? d.fixedBits, 'fixedBits', [8, 32] as const),
    phases,
    optimizer: {
      momentum: r.num(opt.momentum ?? d.optimizer.momentum, 'optimizer.momentum', 0, 0.999),
      nesterov: r.bool(opt.nesterov ?? d.optimizer.nesterov, 'optimizer.nesterov'),
      weightDecay: r.num(opt.weightDecay ?? d.optimizer.weightDecay, 'optimizer.weightDecay', 0, 0.1),
      labelSmoothing: r.num(opt.labelSmoothing ?? d.optimizer.labelSmoothing, 'optimizer.labelSmoothing', 0, 0.5),
      gradClipNorm: r.num(opt.gradClipNorm ?? d.optimizer.gradClipNorm, 'optimizer.gradClipNorm', 0),
    },
    sandwich: {
      randomSubnets: r.int(sw.randomSubnets ?? d.sandwich.randomSubnets, 'sandwich.randomSubnets', 0, 8),
      distill: r.bool(sw.distill ?? d.sandwich.distill, 'sandwich.distill'),
    },
    checkpoint: {
      dir: typeof ck.dir === 'string' ? ck.dir : ck.dir === undefined ? d.checkpoint.dir : r.str(ck.dir, 'checkpoint.dir'),
      everySteps: r.int(ck.everySteps ?? d.checkpoint.everySteps, 'checkpoint.everySteps', 0),
    },
    eval: {
      subnets: r
        .array(ev.subnets ?? d.eval.subnets, 'eval.subnets')
        .map((s, i) => r.oneOf(s, `eval.subnets[${i}]`, ['largest', 'middle', 'smallest'] as const)),
      batchSize: r.int(ev.batchSize ?? d.eval.batchSize, 'eval.batchSize', 1),
    },
  };
}
