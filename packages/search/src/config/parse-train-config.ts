import { InvalidTrainConfigError } from '../errors';
import { presetQuantizerProblem, RUN_PRESETS, type RunPreset } from './run-preset';
import { FieldReader, type JsonObject } from '../json-fields';
import { QUANT_BITS } from '@oqat/quant';
import { bitsChainProblem } from '../space/bits-chain';
import { BUILTIN_SPACES, resolveSearchSpace } from '../space/resolve-search-space';
import { sqRatiosProblem } from './sq-ratios';
import { DEFAULT_SPACE, DEFAULT_TRAIN_CONFIG, QUANTIZER_KINDS, type PhaseConfig, type QuantizerKind, type SegmentationDataConfig, type Task, type TrainConfig } from './train-config';

const r = new FieldReader((field, problem) => new InvalidTrainConfigError(field, problem));

/** Reads an optional sub-object, checking its keys against the default's. */
function section<K extends 'data' | 'segmentation' | 'optimizer' | 'sandwich' | 'checkpoint' | 'eval' | 'dropBits' | 'sq' | 'abfp' | 'esb'>(o: JsonObject, key: K): JsonObject {
  if (o[key] === undefined) return {};
  const s = r.object(o[key], key);
  r.keys(s, key, Object.keys(DEFAULT_TRAIN_CONFIG[key]));
  return s;
}

function readPhase(v: unknown, i: number): PhaseConfig {
  const f = `phases[${i}]`;
  const o = r.object(v, f);
  r.keys(o, f, ['bits', 'epochs', 'lr', 'warmupEpochs', 'subnets', 'teacher']);
  const phase: PhaseConfig = {
    bits: r.oneOf(o.bits, `${f}.bits`, QUANT_BITS),
    epochs: r.int(o.epochs, `${f}.epochs`, 1),
    lr: r.num(o.lr, `${f}.lr`, 1e-8, 10),
    warmupEpochs: r.num(o.warmupEpochs ?? 0, `${f}.warmupEpochs`, 0),
    subnets: r.oneOf(o.subnets ?? 'sandwich', `${f}.subnets`, ['sandwich', 'largest'] as const),
    teacher: r.oneOf(o.teacher ?? 'largest', `${f}.teacher`, ['largest', 'float'] as const),
  };
  if (phase.teacher === 'float' && phase.bits === 32) throw r.error(`${f}.teacher`, "must be 'largest' in a float phase ('float' teaches quantized phases)");
  if (phase.warmupEpochs > phase.epochs) throw r.error(`${f}.warmupEpochs`, `must be at most epochs (${phase.epochs}), got ${phase.warmupEpochs}`);
  return phase;
}

/** Input scaling: a mean in [0, 1] and a positive standard deviation of pixels / 255. */
function readNormalization(v: unknown): TrainConfig['data']['normalization'] {
  const o = r.object(v, 'data.normalization');
  r.keys(o, 'data.normalization', ['mean', 'std']);
  return { mean: r.num(o.mean, 'data.normalization.mean', 0, 1), std: r.num(o.std, 'data.normalization.std', 1e-6, 1) };
}

/** The segmentation section, checked whatever the task (a parsed config, defaults included, parses again). */
function readSegmentation(o: JsonObject, task: Task, batchSize: number): SegmentationDataConfig {
  const d = DEFAULT_TRAIN_CONFIG.segmentation;
  const s = section(o, 'segmentation');
  const seg: SegmentationDataConfig = {
    // '' (scenes) round-trips: a parsed config is parsed again by the train job.
    folder: typeof s.folder === 'string' ? s.folder : s.folder === undefined ? d.folder : r.str(s.folder, 'segmentation.folder'),
    canvasSize: r.int(s.canvasSize ?? d.canvasSize, 'segmentation.canvasSize', 8, 1024),
    trainScenes: r.int(s.trainScenes ?? d.trainScenes, 'segmentation.trainScenes', 1),
    testScenes: r.int(s.testScenes ?? d.testScenes, 'segmentation.testScenes', 1),
    seed: r.int(s.seed ?? d.seed, 'segmentation.seed', 0, Number.MAX_SAFE_INTEGER),
  };
  if (task === 'segmentation' && !seg.folder && seg.trainScenes < batchSize) {
    throw r.error('segmentation.trainScenes', `must be at least batchSize (${batchSize}) so an epoch has a full batch, got ${seg.trainScenes}`);
  }
  return seg;
}

/** A segmentation run needs a space with a dense head; a built-in name can be checked before the run. */
function checkTaskSpace(task: Task, space: unknown): void {
  if (typeof space !== 'string' || !BUILTIN_SPACES[space]) return;
  const dense = BUILTIN_SPACES[space]!.segmentationHead !== undefined;
  if (task === 'segmentation' && !dense) {
    throw r.error('space', `'${space}' is a classification space; task 'segmentation' needs a space with a segmentationHead (built-in: 'segmentation-scenes')`);
  }
  if (task === 'classification' && dense) {
    throw r.error('space', `'${space}' is a segmentation space; set task to 'segmentation' or choose a classification space`);
  }
}

/** The phases' quantized widths must form a chain the space can train (bitsChainProblem); float phases come first. */
function checkPhaseBits(space: unknown, phases: readonly PhaseConfig[]): void {
  const quantized = phases.filter((p) => p.bits !== 32).map((p) => p.bits);
  const lateFloat = phases.findIndex((p, i) => p.bits === 32 && phases.slice(0, i).some((q) => q.bits !== 32));
  if (lateFloat >= 0) throw r.error(`phases[${lateFloat}].bits`, 'a float phase (32) must come before every quantized phase');
  const problem = quantized.length > 0 ? bitsChainProblem(resolveSearchSpace(space), quantized) : undefined;
  if (problem) throw r.error('phases', `quantized widths ${problem}`);
}

/**
 * Validates a training config JSON value and fills in defaults
 * (DEFAULT_TRAIN_CONFIG). Throws InvalidTrainConfigError naming the first
 * bad field. A space object is parsed here too (its bits decide the phases').
 */
export function parseTrainConfig(json: unknown): TrainConfig {
  const o = r.object(json, 'config');
  r.keys(o, '', [...Object.keys(DEFAULT_TRAIN_CONFIG), 'phases']);
  const d = DEFAULT_TRAIN_CONFIG;
  const data = section(o, 'data');
  const opt = section(o, 'optimizer');
  const sw = section(o, 'sandwich');
  const ck = section(o, 'checkpoint');
  const ev = section(o, 'eval');
  const db = section(o, 'dropBits');
  const sq = section(o, 'sq');
  const abfp = section(o, 'abfp');
  const esb = section(o, 'esb');
  const task = r.oneOf(o.task ?? d.task, 'task', ['classification', 'segmentation'] as const);
  const space = o.space ?? DEFAULT_SPACE[task];
  if (typeof space !== 'string' && (typeof space !== 'object' || space === null)) {
    throw r.error('space', `must be a space name or a space object, got ${JSON.stringify(space)}`);
  }
  checkTaskSpace(task, space);
  const batchSize = r.int(o.batchSize ?? d.batchSize, 'batchSize', 2, 4096);
  if (o.phases === undefined) throw r.error('phases', 'is required: the bit widths trained, in order, with their epochs and learning rates (oqatPhases makes OQAT\'s)');
  const phases = r.array(o.phases, 'phases', 1).map(readPhase);
  checkPhaseBits(space, phases);
  const taught = phases.findIndex((p) => p.teacher === 'float');
  if (taught >= 0 && !phases.slice(0, taught).some((p) => p.bits === 32)) {
    throw r.error(`phases[${taught}].teacher`, "'float' needs a float phase before it (its weights are the teacher)");
  }
  return {
    seed: r.int(o.seed ?? d.seed, 'seed', 0, Number.MAX_SAFE_INTEGER),
    task,
    space: space as TrainConfig['space'],
    data: {
      source: r.oneOf(data.source ?? d.data.source, 'data.source', ['auto', 'subset', 'full'] as const),
      trainLimit: r.int(data.trainLimit ?? d.data.trainLimit, 'data.trainLimit', 0),
      testLimit: r.int(data.testLimit ?? d.data.testLimit, 'data.testLimit', 0),
      augment: r.bool(data.augment ?? d.data.augment, 'data.augment'),
      bnImages: r.int(data.bnImages ?? d.data.bnImages, 'data.bnImages', 1),
      // '' (Fashion-MNIST) round-trips, as segmentation.folder.
      folder: data.folder === undefined || data.folder === '' ? d.data.folder : r.str(data.folder, 'data.folder'),
      skipBadFiles: r.bool(data.skipBadFiles ?? d.data.skipBadFiles, 'data.skipBadFiles'),
      resizeImages: r.bool(data.resizeImages ?? d.data.resizeImages, 'data.resizeImages'),
      normalization: readNormalization(data.normalization ?? d.data.normalization),
    },
    segmentation: readSegmentation(o, task, batchSize),
    batchSize,
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
    quantizer: r.oneOf(o.quantizer ?? d.quantizer, 'quantizer', QUANTIZER_KINDS),
    dropBits: {
      rate: r.num(db.rate ?? d.dropBits.rate, 'dropBits.rate', 0, 0.95),
      penalty: r.num(db.penalty ?? d.dropBits.penalty, 'dropBits.penalty', 0, 10),
    },
    sq: { ratios: readSqRatios(sq.ratios ?? d.sq.ratios) },
    abfp: {
      blockSize: r.int(abfp.blockSize ?? d.abfp.blockSize, 'abfp.blockSize', 1, 4096),
      gain: r.num(abfp.gain ?? d.abfp.gain, 'abfp.gain', 1e-3, 1e6),
    },
    esb: { significantBits: r.int(esb.significantBits ?? d.esb.significantBits, 'esb.significantBits', 0, 8) },
    preset: readPreset(o.preset ?? d.preset, (o.quantizer ?? d.quantizer) as QuantizerKind),
  };
}

/** The deployment preset, refused where it cannot constrain the run's quantizer. */
function readPreset(v: unknown, quantizer: QuantizerKind): RunPreset {
  const preset = r.oneOf(v, 'preset', RUN_PRESETS);
  const problem = presetQuantizerProblem(preset, quantizer);
  if (problem) throw r.error('preset', `'${preset}' cannot train the ${quantizer} quantizer: ${problem}`);
  return preset;
}

/** SQ's ratios: each in (0, 1], non-decreasing, the last 1 (a phase ends fully quantized); [] is off. */
function readSqRatios(v: unknown): number[] {
  const ratios = r.array(v, 'sq.ratios');
  const problem = sqRatiosProblem(ratios);
  if (problem) throw r.error('sq.ratios', problem);
  return ratios as number[];
}
