import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageDataset } from '@oqat/data';
import { derive } from '@oqat/core';
import { initEngine, type BackendRequest } from '@oqat/engine';
import { largestSubnet, middleSubnet, type SearchSpace, smallestSubnet } from '@oqat/latency';
import type { TrainingPosition } from '../checkpoint/supernet-checkpoint';
import type { PhaseConfig, TrainConfig } from '../config/train-config';
import { CheckpointError, InvalidTrainConfigError } from '../errors';
import { inputNormalization } from '../eval/evaluate-subnet';
import { resolveSearchSpace } from '../space/resolve-search-space';
import { quantFactoryFor } from '../supernet/quant-factory';
import { createSupernet, type TaskSupernet } from '../supernet/networks/create-supernet';
import { addDropBitsPenalty, reportLearnedBits, usesDropBits, withDropBits } from './dropbits-training';
import { FloatTeacher } from './float-teacher';
import { cosineLr } from './lr-schedule';
import { startPhase } from './phase-start';
import { sandwichStep } from './sandwich-step';
import { loadSegmentationData, type SegmentationSplits } from './segmentation-data';
import { SgdNesterov } from './sgd-nesterov';
import { sqStageAt, withSq } from './sq-training';
import { loadClassificationData } from './classification-data';
import type { BatchStream } from '@oqat/data';
import { batchTensors, classificationData, segmentationData, type TaskData, type TrainBatch } from './task-data';
import { readTrainCheckpoint, restoreTrainState, saveTrainCheckpoint } from './train-checkpoint';
import type { TrainEvent } from './train-events';

export interface TrainOptions {
  /** continue the run saved in this checkpoint (same config) */
  resumeFrom?: string;
  /** default 'wasm' */
  backend?: BackendRequest;
  threads?: number;
  /** datasets to train and evaluate on instead of Fashion-MNIST (segmentation: the items its scenes are built from) */
  dataset?: { train: ImageDataset; test: ImageDataset };
  /** segmentation splits to use instead of the config's scenes or folder */
  segmentationDataset?: SegmentationSplits;
  /**
   * Training batches prepared this many steps ahead on a worker thread while
   * the step runs (gather, resize, augment, normalise); 0 = in place, before
   * each step. The same batches either way: results do not change. Default 0.
   */
  prefetch?: number;
}

export interface AbortFlag {
  aborted: boolean;
}

const SUBNETS = { largest: largestSubnet, middle: middleSubnet, smallest: smallestSubnet };
export const CHECKPOINT_FILE = 'supernet.ckpt';

export function phaseName(phase: PhaseConfig): string {
  return phase.bits === 32 ? 'float' : `${phase.bits}bit`;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A segmentation run needs a dense head in its space, and a classification run must not train one as a classifier. */
function checkTaskSpace(config: TrainConfig, space: SearchSpace): void {
  if (config.task === 'segmentation' && !space.segmentationHead) {
    throw new InvalidTrainConfigError('space', `'${space.name}' has no segmentationHead; task 'segmentation' needs one (built-in: 'segmentation-scenes')`);
  }
  if (config.task === 'classification' && space.segmentationHead) {
    throw new InvalidTrainConfigError('space', `'${space.name}' is a segmentation space; set task to 'segmentation'`);
  }
}

/** The task's data around its network: Fashion-MNIST or a folder's images, or segmentation scenes / folder splits. */
async function taskData(network: TaskSupernet, config: TrainConfig, space: SearchSpace, options: TrainOptions): Promise<TaskData> {
  const { batchSize } = config;
  const normalization = inputNormalization(config);
  if (network.task === 'segmentation') {
    const splits = options.segmentationDataset ?? (await loadSegmentationData(config, space, options.dataset));
    return segmentationData(network, splits, { batchSize, normalization, prefetch: options.prefetch ?? 0 });
  }
  const data = options.dataset ?? (await loadClassificationData(config.data));
  const { channels, classNames } = data.train;
  if (space.inputC !== channels || space.numClasses < classNames.length) {
    throw new InvalidTrainConfigError('space', `'${space.name}' takes ${space.inputC} channel(s) and ${space.numClasses} classes; the data has ${channels} and ${classNames.length} (a run on a folder derives its space from the data)`);
  }
  return classificationData(network, data, { batchSize, trainLimit: config.data.trainLimit, testLimit: config.data.testLimit, normalization, prefetch: options.prefetch ?? 0 });
}

/** The training loop behind train(): phases, sandwich steps, evaluation, checkpoints. */
export async function runTraining(config: TrainConfig, options: TrainOptions, emit: (e: TrainEvent) => void, abort: AbortFlag): Promise<void> {
  const started = performance.now();
  const seed = config.seed;
  // Everything that can fail on user input is checked before anything is written.
  const space = resolveSearchSpace(config.space);
  checkTaskSpace(config, space);
  const resumed = options.resumeFrom ? readTrainCheckpoint(options.resumeFrom, config) : undefined;
  const ckptPath = config.checkpoint.dir ? join(config.checkpoint.dir, CHECKPOINT_FILE) : undefined;
  if (ckptPath && !resumed && existsSync(ckptPath)) {
    throw new CheckpointError(ckptPath, 'already exists', 'resume from it or choose another checkpoint.dir');
  }
  const engine = await initEngine({ backend: options.backend ?? 'wasm', ...(options.threads ? { threads: options.threads } : {}) });
  const network = createSupernet(config.task, space, { seed, fixedBits: config.fixedBits, quant: quantFactoryFor(config) });
  const net = network.net;
  const optimizer = new SgdNesterov({ ...config.optimizer, clipNorm: config.optimizer.gradClipNorm });
  let data: TaskData;
  try {
    data = await taskData(network, config, space, options);
  } catch (err) {
    net.dispose();
    throw err;
  }
  if (ckptPath) mkdirSync(config.checkpoint.dir, { recursive: true });
  const bn = data.bnBatches(config.data.bnImages, derive(seed, 'bn'));
  let teacher: FloatTeacher | undefined;
  try {
    let pos: TrainingPosition = { phaseIndex: 0, phaseStep: 0, globalStep: 0 };
    if (resumed) {
      restoreTrainState(options.resumeFrom!, resumed, net, optimizer);
      pos = { ...resumed.meta.position };
    }
    const batches = data.batchesPerEpoch;
    const spe = config.stepsPerEpoch > 0 ? Math.min(config.stepsPerEpoch, batches) : batches;
    const totalSteps = config.phases.reduce((a, p) => a + p.epochs * spe, 0);
    const save = (at: TrainingPosition): void => {
      if (!ckptPath) return;
      const sampler = { seed, stream: 'sandwich' as const, phaseIndex: at.phaseIndex, phaseStep: at.phaseStep };
      saveTrainCheckpoint(ckptPath, net, optimizer, { kind: 'oqat-supernet-training', config, space, position: at, sampler });
      emit({ kind: 'checkpoint', seed, path: ckptPath, step: at.globalStep });
    };
    emit({
      kind: 'started', seed, backend: engine.backend, threads: engine.threads, totalSteps, stepsPerEpoch: spe,
      trainImages: data.trainCount, testImages: data.testCount,
      ...(resumed ? { resumedFrom: { path: options.resumeFrom!, step: pos.globalStep } } : {}),
    });

    for (; pos.phaseIndex < config.phases.length; pos = { phaseIndex: pos.phaseIndex + 1, phaseStep: 0, globalStep: pos.globalStep }) {
      const phase = config.phases[pos.phaseIndex]!;
      const name = phaseName(phase);
      const init = pos.phaseStep === 0 ? startPhase(net, optimizer, config.phases, pos.phaseIndex, bn[0]!) : 'resumed';
      emit({ kind: 'phase', seed, phase: name, phaseIndex: pos.phaseIndex, bits: phase.bits, epochs: phase.epochs, init });
      if (phase.teacher === 'float' && !teacher) {
        const floatState = net.widths.keptState(32);
        if (!floatState) throw new InvalidTrainConfigError(`phases[${pos.phaseIndex}].teacher`, "'float' needs the weights of a finished float phase");
        teacher = FloatTeacher.fromState(network.task, net, floatState);
      }
      const total = phase.epochs * spe;
      const warmup = Math.round(phase.warmupEpochs * spe);
      let iterator: BatchStream<TrainBatch> | undefined;
      let iteratorEpoch = -1;
      let trainSeconds = 0;
      let stepsRun = 0;
      let epochLoss = 0;
      let epochSteps = 0;
      let epochStart = performance.now();
      let sqStage = -1;
      while (pos.phaseStep < total) {
        if (abort.aborted) return;
        const epoch = Math.floor(pos.phaseStep / spe);
        if (epoch !== iteratorEpoch) {
          iterator?.close();
          // Resuming mid-epoch: skip the batches the interrupted run already used.
          iterator = data.epoch(derive(seed, 'data', pos.phaseIndex), epoch, config.data.augment, pos.phaseStep % spe);
          iteratorEpoch = epoch;
        }
        const b = (await iterator!.next())!;
        const lr = cosineLr(phase.lr, pos.phaseStep, total, warmup);
        const t0 = performance.now();
        const { images, targets } = batchTensors(b);
        const teacherProbabilities = phase.teacher === 'float' ? teacher!.probabilities(images) : undefined;
        // SQ: the step's stage ratio of each elastic layer's filters quantized, the partitions from the step's seed.
        const sq = phase.bits !== 32 && config.sq?.ratios.length ? sqStageAt(config.sq.ratios, pos.phaseStep, total) : undefined;
        if (sq && sq.stage !== sqStage) {
          sqStage = sq.stage;
          emit({ kind: 'sq-stage', seed, phase: name, stage: sq.stage, stages: sq.stages, ratio: sq.ratio, step: pos.globalStep + 1, phaseStep: pos.phaseStep });
        }
        const { value: step, stats: sqStats } = withSq(net, sq && { seed: derive(seed, 'sq', pos.phaseIndex, pos.phaseStep), ratio: sq.ratio }, () =>
          withDropBits(net, derive(seed, 'dropbits', pos.phaseIndex, pos.phaseStep), () => sandwichStep(net, images, targets, {
            ...(teacherProbabilities ? { teacherProbabilities } : {}),
            bits: phase.bits, subnets: phase.subnets, randomSubnets: config.sandwich.randomSubnets, distill: config.sandwich.distill,
            labelSmoothing: config.optimizer.labelSmoothing, seed, phaseIndex: pos.phaseIndex, phaseStep: pos.phaseStep,
          })));
        addDropBitsPenalty(net, phase.bits, config.dropBits.penalty, step.grads);
        const gradNorm = optimizer.apply(net.params(), step.grads, lr);
        for (const g of step.grads.values()) g.dispose();
        images.dispose();
        targets.dispose();
        teacherProbabilities?.dispose();
        const seconds = (performance.now() - t0) / 1000;
        trainSeconds += seconds;
        stepsRun++;
        pos = { ...pos, phaseStep: pos.phaseStep + 1, globalStep: pos.globalStep + 1 };
        const meanLoss = step.losses.reduce((a, v) => a + v, 0) / step.losses.length;
        epochLoss += step.losses[0]!;
        epochSteps++;
        emit({
          kind: 'step', seed, phase: name, epoch, step: pos.globalStep, phaseStep: pos.phaseStep, totalSteps,
          loss: step.losses[0]!, meanLoss, lr, gradNorm, samplesPerSec: b.size / seconds, sampled: step.sampled,
          ...(sqStats ? { sq: sqStats } : {}),
        });
        if (pos.phaseStep % spe === 0) {
          emit({ kind: 'epoch', seed, phase: name, epoch, meanLoss: epochLoss / epochSteps, seconds: (performance.now() - epochStart) / 1000 });
          epochLoss = 0;
          epochSteps = 0;
          epochStart = performance.now();
        }
        if (config.checkpoint.everySteps > 0 && pos.globalStep % config.checkpoint.everySteps === 0 && pos.phaseStep < total) save(pos);
        await yieldToEventLoop();
      }
      iterator?.close();
      if (abort.aborted) return;
      emit({ kind: 'phase-end', seed, phase: name, trainSeconds, samplesPerSec: trainSeconds > 0 ? (stepsRun * config.batchSize) / trainSeconds : 0 });
      for (const which of config.eval.subnets) {
        const e0 = performance.now();
        const result = data.evaluate(SUBNETS[which](space, phase.bits), bn, config.eval.batchSize);
        // An ABFP run also measures the subnet on its analog device (tile = the block size, the run's gain).
        const analog = config.quantizer === 'abfp' && phase.bits !== 32 && data.evaluateAnalog
          ? data.evaluateAnalog(SUBNETS[which](space, phase.bits), config.eval.batchSize, { blockSize: config.abfp.blockSize, gain: config.abfp.gain })
          : undefined;
        emit({ kind: 'eval', seed, phase: name, which, result, ...(analog ? { analog } : {}), seconds: (performance.now() - e0) / 1000 });
        await yieldToEventLoop();
        if (abort.aborted) return;
      }
      if (phase.bits !== 32 && usesDropBits(net)) emit(reportLearnedBits(net, data, bn, config, name, phase.bits));
      net.widths.keep(phase.bits);
      save({ phaseIndex: pos.phaseIndex + 1, phaseStep: 0, globalStep: pos.globalStep });
    }
    emit({ kind: 'finished', seed, seconds: (performance.now() - started) / 1000, steps: pos.globalStep, ...(ckptPath ? { checkpoint: ckptPath } : {}) });
  } finally {
    await data.dispose();
    net.dispose();
    teacher?.dispose();
    optimizer.reset();
    for (const t of bn) t.dispose();
  }
}
