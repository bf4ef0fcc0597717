import { derive, createRng } from '@oqat/core';
import { floatBatches, type ImageDataset } from '@oqat/data';
import { tf, type Tensor } from '@oqat/engine';
import {
  accumulateVqInputGram, fitVq, fromFloat16Bits, toFloat16Bits, vqBytes, vqElementOffsets, vqGramAccumulator, vqGramMean, vqGramRows,
  vqLayerPlan, vqIndexBitsPerWeight, InvalidQuantOptionError, type VqTensor,
} from '@oqat/quant';
import { CompressAbortedError } from '../errors';
import { bnBatches } from '../eval/evaluate-subnet';
import { distillationLoss } from '../losses';
import { staticWeightLayers } from '../ptq/ptq-layers';
import { BN_EPSILON, type StaticBatchNorm } from '../static/static-batch-norm';
import { StaticMobileNet } from '../static/static-mobilenet';
import type { CompressLayerReport, CompressSubject, CompressionResult } from './compress-subject';

/**
 * "And the bit goes down" (Stock et al., ICLR 2020) on a trained float
 * subnet. Defaults: the paper's (its ResNet code's arguments) where they fit
 * a network of ~1 M weights and a 2-core CPU, scaled where they do not (each
 * field says which).
 */
export interface VqSettings {
  /** d of 1×1 convs and linear layers: the paper's 4 ("small blocks") or 8 ("large blocks") */
  pointwiseBlockSize: number;
  /** whole k×k kernels per sub-vector of a k×k conv (depthwise too): the paper's 1 (3×3: d = 9, small blocks) or 2 (d = 18, large) */
  kernelsPerBlock: number;
  /**
   * kernel rows per sub-vector of a depthwise k×k conv (d = this·k), 0 to keep depthwise layers float.
   * The paper's ResNets have no depthwise conv (its authors note that MobileNets' separable convs
   * decorrelate their weights); one whole kernel per sub-vector (its k×k rule) leaves these thin
   * layers a handful of sub-vectors and codewords, so the default is one kernel row (d = k)
   */
  depthwiseRows: number;
  /** codewords of a conv layer at most: the paper's 256 (one-byte indices) */
  codewords: number;
  /** codewords of the classifier at most: the paper's 2048 */
  classifierCodewords: number;
  /** k ≤ the largest power of two below (sub-vectors / this): the authors' clamp, 4; larger keeps small layers' codebooks small */
  subVectorsPerCodeword: number;
  /** EM iterations per layer at most (the paper's 100; a layer stops once no assignment changes) */
  iterations: number;
  /** unlabelled training images whose activations define each layer's objective (the paper: 1024; 256 here, whose rows of x̃ are sampled anyway) */
  calibrationImages: number;
  /** rows of x̃ (patch positions × blocks) sampled per layer at most, seeded (the authors sample 1,000 to 25,000 per layer) */
  activationRows: number;
  /** distillation steps on the codebook of each layer just compressed (the paper's 2500 per layer on ImageNet; scaled down) */
  layerFinetuneSteps: number;
  /** distillation steps on all codebooks at the end (the paper's global finetuning, 9 × 10,000 steps; scaled down) */
  finetuneSteps: number;
  /** images per finetuning step (the paper's 128) */
  finetuneBatch: number;
  /**
   * BN statistics re-estimated on the calibration images after the layers are
   * compressed and again after the finetuning (the authors finetune with BN in
   * training mode, where its statistics follow the compressed network); off:
   * the float subnet's statistics throughout
   */
  reestimateBn: boolean;
  /**
   * SGD with momentum on the codewords: the paper's 0.05 per layer, momentum 0.9, weight decay 1e-4; globally the
   * paper's 0.01 (÷10 at each third) over 90,000 steps, 0.1 here over 200 (smallest subnet, k clamp 16: 24.0 % top-1
   * at 0.01, 46.2 % at 0.1; docs/benchmarks-compress.md)
   */
  layerLearningRate: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

/** The paper's two regimes of block sizes (its "small blocks" and "large blocks" ResNet rows). */
export const VQ_BLOCK_PRESETS = {
  small: { pointwiseBlockSize: 4, kernelsPerBlock: 1 },
  large: { pointwiseBlockSize: 8, kernelsPerBlock: 2 },
} as const satisfies Record<string, Pick<VqSettings, 'pointwiseBlockSize' | 'kernelsPerBlock'>>;
export type VqBlockPreset = keyof typeof VQ_BLOCK_PRESETS;

export const VQ_DEFAULTS: Readonly<VqSettings> = {
  ...VQ_BLOCK_PRESETS.large,
  depthwiseRows: 1,
  codewords: 256,
  classifierCodewords: 2048,
  subVectorsPerCodeword: 4,
  iterations: 100,
  calibrationImages: 256,
  activationRows: 65536,
  layerFinetuneSteps: 0,
  finetuneSteps: 200,
  finetuneBatch: 32,
  reestimateBn: true,
  layerLearningRate: 0.05,
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 1e-4,
};

/** The layers the paper leaves in float: its first conv (the stem here). */
const VQ_FLOAT_LAYERS: Record<string, string> = { stem: 'the first conv stays float32, as the paper leaves ResNet\'s first 7×7 conv' };

function checkSettings(s: VqSettings): void {
  const ints: Array<[keyof VqSettings, number]> = [
    ['pointwiseBlockSize', 1], ['kernelsPerBlock', 1], ['depthwiseRows', 0], ['codewords', 2], ['classifierCodewords', 2], ['subVectorsPerCodeword', 1],
    ['iterations', 1], ['calibrationImages', 1], ['activationRows', 1], ['layerFinetuneSteps', 0], ['finetuneSteps', 0], ['finetuneBatch', 1],
  ];
  for (const [key, min] of ints) {
    const v = s[key] as number;
    if (!Number.isInteger(v) || v < min) throw new InvalidQuantOptionError('vq', key, v, `an integer ≥ ${min}`);
  }
  for (const key of ['layerLearningRate', 'learningRate', 'momentum', 'weightDecay'] as const) {
    const v = s[key];
    if (!Number.isFinite(v) || v < 0 || (key === 'momentum' && v >= 1)) throw new InvalidQuantOptionError('vq', key, v, key === 'momentum' ? 'in [0, 1)' : 'a finite number ≥ 0');
  }
}

/**
 * The training images without their labels (every label 0): what VQ's
 * calibration and finetuning read, so no label can reach them.
 */
function unlabelled(train: ImageDataset): ImageDataset {
  const { images, count, height, width, channels, classNames } = train;
  return { images, count, height, width, channels, classNames, labels: new Uint8Array(count) };
}

/** Raised by a layer's wrapped forward once its input has been read: the rest of the network need not run. */
class InputTaken extends Error {}

/**
 * The Gram matrix of one layer's input (vqInputGram) over the calibration
 * batches, as the student network (earlier layers already compressed)
 * computes it: the layer's forward is wrapped to read its input and stop.
 * At most about `maxRows` rows of x̃ are taken, sampled at one rate.
 */
function layerGram(
  student: StaticMobileNet, layerName: string, shape: readonly number[], blockSize: number, batches: readonly Tensor[], maxRows: number, seed: number,
): Float64Array {
  const layer = staticWeightLayers(student).find((l) => l.name === layerName)!.layer;
  const stride = layer.config.type === 'conv2d' ? layer.config.stride : 1;
  const original = layer.forward;
  const acc = vqGramAccumulator(blockSize);
  const images = batches.reduce((a, b) => a + b.shape[0]!, 0);
  const rng = createRng(seed);
  layer.forward = (x: Tensor): Tensor => {
    const perImage = vqGramRows(x.shape, shape, blockSize, stride) / x.shape[0]!;
    accumulateVqInputGram(acc, x.dataSync() as Float32Array, x.shape, shape, stride, { rate: maxRows / (perImage * images), rng });
    throw new InputTaken();
  };
  try {
    for (const batch of batches) {
      try {
        tf.tidy(() => student.forward(batch));
      } catch (err) {
        if (!(err instanceof InputTaken)) throw err;
      }
    }
  } finally {
    layer.forward = original;
  }
  return vqGramMean(acc);
}

/** The batch norms of a static classification network, in forward order. */
function batchNorms(net: StaticMobileNet): StaticBatchNorm[] {
  const b = net.backbone;
  return [b.stem.bn, ...b.blocks.flatMap((block) => [block.expand?.bn, block.dw.bn, block.project.bn]), b.headExpand.bn].filter((x): x is StaticBatchNorm => x !== undefined);
}

/**
 * Re-estimates every BN's running mean and variance for the network as it
 * now computes, as the project re-estimates a subnet's (each BN normalises
 * with its batch's statistics while their mean over the batches is taken),
 * and writes them into the BN's variables. Returns them by weight-map key.
 */
function reestimateStudentBn(student: StaticMobileNet, batches: readonly Tensor[]): Record<string, Float32Array> {
  const bns = batchNorms(student);
  const sums = bns.map((bn) => ({ mean: new Float64Array(bn.config.channels), variance: new Float64Array(bn.config.channels), images: 0 }));
  const originals = bns.map((bn) => bn.forward);
  bns.forEach((bn, i) => {
    bn.forward = (x: Tensor): Tensor => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      const n = x.shape[0]!;
      const [m, v] = [mean.dataSync(), variance.dataSync()];
      const acc = sums[i]!;
      for (let c = 0; c < m.length; c++) {
        acc.mean[c] += m[c]! * n;
        acc.variance[c] += v[c]! * n;
      }
      acc.images += n;
      return tf.add(tf.mul(tf.sub(x, mean), tf.mul(bn.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)))), bn.beta);
    };
  });
  try {
    for (const batch of batches) tf.tidy(() => student.forward(batch));
  } finally {
    bns.forEach((bn, i) => {
      bn.forward = originals[i]!;
    });
  }
  const out: Record<string, Float32Array> = {};
  bns.forEach((bn, i) => {
    const acc = sums[i]!;
    const mean = Float32Array.from(acc.mean, (x) => x / acc.images);
    const variance = Float32Array.from(acc.variance, (x) => x / acc.images);
    (bn.mean as tf.Variable).assign(tf.tensor1d(mean));
    (bn.variance as tf.Variable).assign(tf.tensor1d(variance));
    out[`${bn.name}.runningMean`] = mean;
    out[`${bn.name}.runningVar`] = variance;
  });
  return out;
}

/** A compressed layer being finetuned: its codewords (float64 while training), fixed assignments, momentum. */
interface Codebook {
  name: string;
  tensor: VqTensor;
  values: Float64Array;
  momentum?: Float64Array;
  offsets: Int32Array;
  counts: Int32Array;
  variable: tf.Variable;
}

function decodeInto(cb: Codebook, out: Float32Array): void {
  const d = cb.tensor.blockSize;
  const { indices } = cb.tensor;
  for (let n = 0; n < indices.length; n++) {
    const row = indices[n]! * d;
    for (let e = 0; e < d; e++) out[cb.offsets[n * d + e]!] = cb.values[row + e]!;
  }
}

/**
 * One step of the authors' CentroidSGD: each weight's gradient averaged over
 * the sub-vectors sharing its codeword (the gradient of the codeword, up to
 * the count), weight decay on the codeword, momentum, the decoded weights
 * written back.
 */
function centroidStep(cb: Codebook, grad: Float32Array, lr: number, momentum: number, weightDecay: number): void {
  const d = cb.tensor.blockSize;
  const { indices } = cb.tensor;
  const g = new Float64Array(cb.values.length);
  for (let n = 0; n < indices.length; n++) {
    const row = indices[n]! * d;
    for (let e = 0; e < d; e++) g[row + e] += grad[cb.offsets[n * d + e]!]!;
  }
  for (let j = 0; j < cb.counts.length; j++) {
    const c = cb.counts[j]!;
    if (c === 0) continue;
    for (let e = 0; e < d; e++) {
      const at = j * d + e;
      g[at] = g[at]! / c + weightDecay * cb.values[at]!;
    }
  }
  if (momentum > 0) {
    if (!cb.momentum) cb.momentum = g.slice();
    else for (let i = 0; i < g.length; i++) cb.momentum[i] = momentum * cb.momentum[i]! + g[i]!;
  }
  const step = momentum > 0 ? cb.momentum! : g;
  for (let i = 0; i < cb.values.length; i++) cb.values[i] = cb.values[i]! - lr * step[i]!;
  const w = new Float32Array(cb.offsets.length);
  decodeInto(cb, w);
  cb.variable.assign(tf.tensor(w, cb.variable.shape, 'float32'));
}

/**
 * Distillation of the codewords of `codebooks`: the student's logits on
 * unlabelled training images against the uncompressed float subnet's
 * softmax (soft cross-entropy, the gradient of the authors' KL loss); labels
 * are never read.
 */
function finetune(
  subject: CompressSubject, images: ImageDataset, student: StaticMobileNet, codebooks: Codebook[], steps: number, batchSize: number,
  lr: (step: number) => number, s: VqSettings, seed: number, onStep: (step: number) => void,
): void {
  if (steps === 0 || codebooks.length === 0) return;
  const vars = codebooks.map((c) => c.variable);
  let step = 0;
  for (let epoch = 0; step < steps; epoch++) {
    let any = false;
    for (const b of floatBatches(images, { batchSize, seed, epoch, shuffle: true, dropLast: true, normalize: subject.normalization })) {
      if (step >= steps) break;
      if (subject.signal.aborted) throw new CompressAbortedError('vq', 'the codebook finetuning');
      any = true;
      const grads = tf.tidy(() => {
        const x = tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
        const teacher = tf.softmax(subject.float.forward(x));
        const { grads: g } = tf.variableGrads(() => distillationLoss(student.forward(x), teacher) as tf.Scalar, vars);
        return codebooks.map((c) => g[c.variable.name]!);
      });
      const rate = lr(step);
      codebooks.forEach((c, i) => {
        centroidStep(c, grads[i]!.dataSync() as Float32Array, rate, s.momentum, s.weightDecay);
      });
      tf.dispose(grads);
      step++;
      onStep(step);
    }
    if (!any) throw new InvalidQuantOptionError('vq', 'finetune batch', batchSize, `at most the ${images.count} training images`);
  }
}

/**
 * Compresses every conv and linear layer of the subject's float subnet but
 * the stem by "And the bit goes down":
 * 1. layer by layer in forward order: the layer's input activations on
 *    `calibrationImages` unlabelled training images, computed by the network
 *    whose earlier layers are already compressed (and finetuned), define the
 *    objective ‖x̃(W − Ŵ)‖² (vqInputGram); the EM (fitVq) fits k codewords of
 *    d weights to it; then, if `layerFinetuneSteps`, that layer's codewords
 *    are distilled from the float subnet;
 * 2. all codewords are distilled together (`finetuneSteps`), assignments
 *    fixed, as the paper's global finetuning.
 * Codebooks are stored in float16, indices in one byte (k ≤ 256). Weights
 * only: activations, BN and biases stay float32; BN's statistics are
 * re-estimated for the compressed network (`reestimateBn`, returned as
 * floatWeights) where the authors finetune with BN in training mode.
 */
export async function compressVq(subject: CompressSubject, settings: Partial<VqSettings> = {}): Promise<CompressionResult> {
  const s: VqSettings = { ...VQ_DEFAULTS, ...settings };
  checkSettings(s);
  const skipped: CompressionResult['report']['skipped'] = [];
  const plans: Array<{ name: string; shape: number[]; blockSize: number; codewords: number; note?: string }> = [];
  for (const { name, layer } of subject.layers) {
    if (VQ_FLOAT_LAYERS[name]) {
      skipped.push({ name, reason: VQ_FLOAT_LAYERS[name]! });
      continue;
    }
    const shape = [...layer.weight.shape];
    const classifier = name === 'head.classifier';
    const plan = vqLayerPlan(shape, {
      pointwiseBlockSize: s.pointwiseBlockSize, kernelsPerBlock: s.kernelsPerBlock, depthwiseRows: s.depthwiseRows, subVectorsPerCodeword: s.subVectorsPerCodeword,
      codewords: classifier ? s.classifierCodewords : s.codewords,
    });
    if ('skip' in plan) skipped.push({ name, reason: plan.skip });
    else plans.push({ name, shape, blockSize: plan.blockSize, codewords: plan.codewords, ...(plan.note ? { note: plan.note } : {}) });
  }

  // The student: the float subnet's weights, its compressible layers' weights as variables the finetuning writes.
  const keys = new Map(staticWeightLayers(subject.float).map(({ name, layer }) => [name, `${layer.name}.weight`]));
  const variables = new Map<string, tf.Variable>();
  const studentWeights = new Map([...subject.float.weights()].map(([key, w]) => [key, tf.clone(w)]));
  for (const p of plans) {
    const key = keys.get(p.name)!;
    const v = tf.variable(studentWeights.get(key)!, true);
    studentWeights.get(key)!.dispose();
    studentWeights.set(key, v);
    variables.set(p.name, v);
  }
  for (const [key, w] of studentWeights) {
    if (!key.endsWith('.runningMean') && !key.endsWith('.runningVar')) continue;
    studentWeights.set(key, tf.variable(w, false));
    w.dispose();
  }
  const student = new StaticMobileNet(subject.float.toConfig(), studentWeights);
  let floatWeights: Record<string, Float32Array> | undefined;
  const images = unlabelled(subject.train);
  const calibration = bnBatches(images, s.calibrationImages, 64, derive(subject.seed, 'vq-calibration'), subject.normalization);
  const codebooks: Codebook[] = [];
  const reports: CompressLayerReport[] = [];
  const work = plans.length * (1 + s.layerFinetuneSteps / 20) + s.finetuneSteps / 20;
  let done = 0;
  const progress = (message: string) => subject.onProgress(Math.min(1, done / Math.max(1, work)), message);
  try {
    for (const [i, p] of plans.entries()) {
      if (subject.signal.aborted) throw new CompressAbortedError('vq', `layer ${p.name}`);
      progress(`vq ${p.name} (${i + 1}/${plans.length}): d = ${p.blockSize}, k = ${p.codewords}`);
      await new Promise((r) => setImmediate(r));
      const gram = layerGram(student, p.name, p.shape, p.blockSize, calibration, s.activationRows, derive(subject.seed, 'vq-rows', p.name));
      const fit = fitVq(subject.weights.get(p.name)!, p.shape, {
        blockSize: p.blockSize, codewords: p.codewords, gram, iterations: s.iterations, rng: createRng(derive(subject.seed, 'vq-em', p.name)),
      });
      const counts = new Int32Array(p.codewords);
      for (const j of fit.tensor.indices) counts[j]++;
      const cb: Codebook = {
        name: p.name, tensor: fit.tensor, values: Float64Array.from(fit.tensor.codebook, fromFloat16Bits),
        offsets: vqElementOffsets(p.shape, p.blockSize), counts, variable: variables.get(p.name)!,
      };
      const w = new Float32Array(cb.offsets.length);
      decodeInto(cb, w);
      cb.variable.assign(tf.tensor(w, p.shape, 'float32'));
      codebooks.push(cb);
      const weights = cb.offsets.length;
      reports.push({
        name: p.name, weights, bytes: vqBytes(fit.tensor), bitsPerWeight: (8 * vqBytes(fit.tensor)) / weights, error: fit.storedObjective,
        errorOf: 'layer outputs on the calibration images, ‖x̃(W − Ŵ)‖² / ‖x̃W‖², after the EM',
        detail: {
          blockSize: p.blockSize, codewords: p.codewords, indexBitsPerWeight: vqIndexBitsPerWeight(fit.tensor), emIterations: fit.iterations,
          emptyClustersResolved: fit.emptyClustersResolved, firstObjective: fit.objective[0] ?? fit.storedObjective, ...(p.note ? { note: p.note } : {}),
        },
      });
      done += 1;
      if (s.layerFinetuneSteps > 0) {
        const base = done;
        finetune(subject, images, student, [cb], s.layerFinetuneSteps, s.finetuneBatch, () => s.layerLearningRate, s, derive(subject.seed, 'vq-layer-finetune', p.name), (step) => {
          done = base + step / 20;
          if (step % 10 === 0) progress(`vq ${p.name}: layer finetuning step ${step}/${s.layerFinetuneSteps}`);
        });
        done = base + s.layerFinetuneSteps / 20;
      }
    }
    if (s.reestimateBn && codebooks.length > 0) {
      progress(`vq: re-estimating BN on ${s.calibrationImages} unlabelled images`);
      floatWeights = reestimateStudentBn(student, calibration);
    }
    if (s.finetuneSteps > 0) {
      const base = done;
      progress(`vq: finetuning all ${codebooks.length} codebooks`);
      await new Promise((r) => setImmediate(r));
      // the authors' StepLR: the rate ÷10 after each third of the steps
      const lr = (step: number) => s.learningRate * 0.1 ** Math.min(2, Math.floor((3 * step) / s.finetuneSteps));
      finetune(subject, images, student, codebooks, s.finetuneSteps, s.finetuneBatch, lr, s, derive(subject.seed, 'vq-finetune'), (step) => {
        done = base + step / 20;
        if (step % 10 === 0) progress(`vq: global finetuning step ${step}/${s.finetuneSteps}`);
      });
      if (s.reestimateBn && codebooks.length > 0) floatWeights = reestimateStudentBn(student, calibration);
    }
  } finally {
    student.dispose();
    tf.dispose(calibration);
  }

  const layers: CompressionResult['layers'] = {};
  for (const cb of codebooks) layers[cb.name] = { ...cb.tensor, codebook: Uint16Array.from(cb.values, toFloat16Bits) };
  const finetuned = codebooks.length > 0 && (s.layerFinetuneSteps > 0 || s.finetuneSteps > 0);
  const bnOnly = !finetuned && floatWeights !== undefined;
  subject.onProgress(1, `vq: ${codebooks.length} layers compressed`);
  return {
    layers,
    report: { layers: reports, skipped },
    ...(floatWeights ? { floatWeights } : {}),
    ...(finetuned
      ? {
          finetune: `codewords only (assignments fixed), distilled from the uncompressed float subnet (soft cross-entropy to its softmax) on unlabelled training images, no labels: ${
            s.layerFinetuneSteps > 0 ? `${s.layerFinetuneSteps} steps per layer at lr ${s.layerLearningRate}, then ` : ''
          }${s.finetuneSteps} steps on all codebooks at lr ${s.learningRate} (÷10 at each third), batch ${s.finetuneBatch}, SGD momentum ${s.momentum}, weight decay ${s.weightDecay}; ${
            s.reestimateBn ? `BN statistics re-estimated on ${s.calibrationImages} unlabelled training images before and after` : 'BN statistics of the float subnet kept'
          }`,
        }
      : bnOnly
        ? { finetune: `no codeword finetuning; BN statistics re-estimated on ${s.calibrationImages} unlabelled training images` }
        : {}),
  };
}
