import { floatBatches, type FloatBatch } from '@oqat/data';
import { tf, type Tensor } from '@oqat/engine';
import {
  ALQ_ADAM,
  ALQ_MAX_BASES,
  InvalidQuantOptionError,
  alqAlphaDomain,
  alqAlphaMomentsFrom,
  alqBasisStep,
  alqCoefficientStep,
  alqNetworkBits,
  alqPruneImportance,
  alqPruneToTarget,
  alqQuadraticModel,
  alqSignBits,
  alqStateBytes,
  alqStateToGrouped,
  alqStructure,
  alqTensorOf,
  createAlqMoments,
  initAlq,
  reconstructAlq,
  updateAlqMoments,
  type AlqAdamOptions,
  type AlqMoments,
  type AlqState,
  type AlqStructure,
  type CompressedTensor,
} from '@oqat/quant';
import { CompressAbortedError } from '../errors';
import { labelLoss } from '../losses';
import { StaticMobileNet } from '../static/static-mobilenet';
import type { CompressionResult, CompressLayerReport, CompressSubject } from './compress-subject';

/**
 * ALQ's settings (Qu et al., CVPR 2020). The schedule runs in steps (one
 * training batch each) where the paper counts epochs: per outer iteration
 * the bases are optimised (basisSteps), then the coefficients
 * (coordinateSteps), then a share of the α pruned (pruneSteps), until the
 * average bitwidth reaches averageBits; a last bases + coefficients
 * iteration follows the last pruning.
 */
export interface AlqSettings {
  /** the average bitwidth to reach over the compressed layers: Σ_g I_g·n_g / Σ weights (sign bits; α's float32 are counted in the bytes) */
  averageBits: number;
  /** I_max: bases per group at the start (the greedy init) */
  maxBases: number;
  /** share of the remaining α one pruning stage removes at most ("pr") */
  pruneRatio: number;
  /** steps optimising the bases (each followed by a coefficient refit) per outer iteration */
  basisSteps: number;
  /** steps optimising the coefficients per outer iteration */
  coordinateSteps: number;
  /** steps a pruning stage is spread over (smooth bitwidth reduction: fresh gradients for each share) */
  pruneSteps: number;
  /** Adam's step size at the start of each outer iteration */
  lr: number;
  /** the learning rate's decay per paper epoch over the basis phase (20 epochs in the paper, spread over basisSteps) */
  basisDecay: number;
  /** ... and over the coordinate phase (10 epochs, spread over coordinateSteps) */
  coordinateDecay: number;
  batchSize: number;
}

/**
 * Defaults from the paper's CIFAR-10 setting (the authors' VGG script, the
 * closest to a small network on small images): I_max 6, pr 0.4, Adam at
 * 1e-3 decayed by 0.8 per epoch, 20 basis epochs and 10 coordinate epochs
 * per outer iteration. The step counts stand in for those epochs (one epoch
 * of the shipped subset is ~45 batches of 64): a shortening, said in --help
 * and docs. Batch 64 (the paper: 128).
 */
export const ALQ_DEFAULTS: AlqSettings = {
  averageBits: 1,
  maxBases: 6,
  pruneRatio: 0.4,
  basisSteps: 40,
  coordinateSteps: 20,
  pruneSteps: 4,
  lr: ALQ_ADAM.lr,
  basisDecay: 0.8,
  coordinateDecay: 0.8,
  batchSize: 64,
};

/** The paper's epochs per outer iteration over which the learning rate decays (the authors' CIFAR-10/MNIST scripts). */
const PAPER_EPOCHS = { basis: 20, coordinate: 10 };
/** Parameters besides the compressed weights that the paper trains alongside (its Adam "optimizer_b"): BN's γ/β, biases. */
const OTHER_PARAM = /\.(bias|gamma|beta)$/;

function checkSettings(s: AlqSettings): void {
  const bad = (option: string, value: number, allowed: string) => new InvalidQuantOptionError('alq', option, value, allowed);
  if (!(s.averageBits > 0) || s.averageBits > s.maxBases) throw bad('averageBits', s.averageBits, `in (0, maxBases = ${s.maxBases}]`);
  if (!Number.isInteger(s.maxBases) || s.maxBases < 1 || s.maxBases > ALQ_MAX_BASES) throw bad('maxBases', s.maxBases, `an integer 1..${ALQ_MAX_BASES}`);
  if (!(s.pruneRatio > 0 && s.pruneRatio <= 1)) throw bad('pruneRatio', s.pruneRatio, 'in (0, 1]');
  for (const k of ['basisSteps', 'coordinateSteps'] as const) if (!Number.isInteger(s[k]) || s[k] < 0) throw bad(k, s[k], 'an integer >= 0');
  for (const k of ['pruneSteps', 'batchSize'] as const) if (!Number.isInteger(s[k]) || s[k] < 1) throw bad(k, s[k], 'an integer >= 1');
  if (!(s.lr > 0)) throw bad('lr', s.lr, '> 0');
  for (const k of ['basisDecay', 'coordinateDecay'] as const) if (!(s[k] > 0 && s[k] <= 1)) throw bad(k, s[k], 'in (0, 1]');
}

interface LayerRun {
  name: string;
  key: string;
  shape: number[];
  structure: AlqStructure;
  state: AlqState;
  weight: tf.Variable;
  /** the quadratic model's moments in the weight domain (grouped order) and the α domain */
  w: AlqMoments;
  alpha: AlqMoments;
}

interface OtherRun {
  key: string;
  variable: tf.Variable;
  moments: AlqMoments;
}

/** Lets the job's progress events and a cancel through between steps (the steps are synchronous). */
const eventLoopTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Endless shuffled training batches, epoch after epoch. */
function* trainingBatches(subject: CompressSubject, batchSize: number): Generator<FloatBatch> {
  const size = Math.min(batchSize, subject.train.count);
  for (let epoch = 0; ; epoch++) {
    yield* floatBatches(subject.train, { batchSize: size, seed: subject.seed, epoch, normalize: subject.normalization, dropLast: true });
  }
}

/**
 * ALQ, adaptive loss-aware quantization (Qu et al., CVPR 2020), of every
 * conv and linear layer of the subject's float subnet: each layer's weights
 * in groups (the paper's structures: pixelwise convs, channelwise stem,
 * kernelwise depthwise, subchannelwise linears), each group a sum of binary
 * bases with coefficients α, initialised greedily with I_max bases. Then,
 * with the loss on the labelled training split, outer iterations of (1)
 * basis steps: on the quadratic model of the loss whose gradient and
 * diagonal Hessian come from Adam's (AMSGrad) moments, every weight takes
 * the sign combination nearest the model's optimum and α is refitted to it;
 * (2) coefficient steps (Adam on α); (3) pruning: the α whose removal the
 * model says costs least are pruned, across all layers, a share pruneRatio
 * of the remaining ones per stage spread over pruneSteps batches, until the
 * average bitwidth reaches the target. BN's γ/β and the biases learn with
 * Adam alongside (the paper's optimiser for the other parameters); BN's
 * statistics stay the float subnet's. Activations stay float.
 */
export async function compressAlq(subject: CompressSubject, settings: Partial<AlqSettings> = {}): Promise<CompressionResult> {
  const s: AlqSettings = { ...ALQ_DEFAULTS, ...settings };
  checkSettings(s);
  const adam = (lr: number): AlqAdamOptions => ({ ...ALQ_ADAM, lr });
  const checkAbort = (where: string) => {
    if (subject.signal.aborted) throw new CompressAbortedError('alq', where);
  };

  // Init: the paper's structured sketching, layer by layer.
  const layers: LayerRun[] = [];
  const own = subject.float.weights();
  const weights = new Map<string, Tensor>();
  const others: OtherRun[] = [];
  try {
    subject.layers.forEach(({ name, layer }, i) => {
      checkAbort('the initialisation');
      const shape = [...layer.weight.shape];
      const depthwise = 'depthwise' in layer.config && layer.config.depthwise;
      const structure = alqStructure(shape, depthwise);
      const state = initAlq(subject.weights.get(name)!, { shape, order: structure.order, groupSize: structure.groupSize, maxBases: s.maxBases });
      const key = `${layer.name}.weight`;
      const weight = tf.variable(tf.tensor(reconstructAlq(state), shape, 'float32'), true, `alq/${key}`);
      weights.set(key, weight);
      layers.push({ name, key, shape, structure, state, weight, w: createAlqMoments(state.total), alpha: createAlqMoments(state.alpha.length) });
      subject.onProgress(0.02 * ((i + 1) / subject.layers.length), `alq: ${name} initialised with up to ${s.maxBases} bases per group`);
    });
    for (const [key, t] of own) {
      if (weights.has(key)) continue;
      if (OTHER_PARAM.test(key)) {
        const variable = tf.variable(tf.clone(t), true, `alq/${key}`);
        weights.set(key, variable);
        others.push({ key, variable, moments: createAlqMoments(t.size) });
      } else weights.set(key, tf.clone(t));
    }
  } catch (err) {
    for (const t of weights.values()) t.dispose();
    throw err;
  }
  const net = new StaticMobileNet(subject.float.toConfig(), weights);
  const states = layers.map((l) => l.state);
  const vars = [...layers.map((l) => l.weight), ...others.map((o) => o.variable)];

  const initialBits = alqNetworkBits(states);
  const rounds = initialBits <= s.averageBits ? 0 : Math.max(1, Math.ceil(Math.log(s.averageBits / initialBits) / Math.log(1 - Math.min(s.pruneRatio, 0.999))));
  const planned = (rounds + 1) * (s.basisSteps + s.coordinateSteps) + rounds * s.pruneSteps;
  let done = 0;
  const batches = trainingBatches(subject, s.batchSize);
  const losses: number[] = [];

  /** One batch: the loss's gradients at the current weights; every moment updated, the other parameters stepped. */
  const gradientStep = (lr: number): Float32Array[] => {
    const b = batches.next().value as FloatBatch;
    const { value, grads } = tf.variableGrads(() => {
      const images = tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
      return labelLoss(net.forward(images), tf.tensor1d(b.labels, 'int32'), 0) as tf.Scalar;
    }, vars);
    try {
      losses.push(value.dataSync()[0]!);
      for (const o of others) {
        const g = grads[o.variable.name]!.dataSync() as Float32Array;
        updateAlqMoments(o.moments, g, adam(lr));
        const { grad, hessian } = alqQuadraticModel(o.moments, adam(lr));
        const p = o.variable.dataSync() as Float32Array;
        const next = Float32Array.from(p, (v, k) => v - grad[k]! / hessian[k]!);
        o.variable.assign(tf.tensor(next, o.variable.shape, 'float32'));
      }
      return layers.map((l) => {
        const g = alqStateToGrouped(l.state, grads[l.weight.name]!.dataSync() as Float32Array);
        updateAlqMoments(l.w, g, adam(lr));
        return g;
      });
    } finally {
      value.dispose();
      for (const t of Object.values(grads)) t.dispose();
    }
  };
  const refresh = (l: LayerRun) => l.weight.assign(tf.tensor(reconstructAlq(l.state), l.shape, 'float32'));
  const progress = (phase: string) => {
    done++;
    const recent = losses.slice(-10);
    const loss = recent.reduce((a, v) => a + v, 0) / Math.max(recent.length, 1);
    subject.onProgress(0.02 + 0.98 * Math.min(done / planned, 0.99), `alq: ${phase}, ${alqNetworkBits(states).toFixed(3)} bits, loss ${loss.toFixed(4)}`);
  };

  try {
    for (let round = 0; ; round++) {
      // (1) bases, each step followed by the coefficients' refit on the model (the authors' "speedup")
      let lr = s.lr;
      for (let step = 0; step < s.basisSteps; step++) {
        await eventLoopTurn();
        checkAbort('the basis steps');
        lr = s.lr * s.basisDecay ** (1 + Math.floor((step * PAPER_EPOCHS.basis) / s.basisSteps));
        gradientStep(lr);
        for (const l of layers) {
          const { grad, hessian } = alqQuadraticModel(l.w, adam(lr));
          alqBasisStep(l.state, grad, hessian);
          alqAlphaMomentsFrom(l.state, l.w, l.alpha);
          refresh(l);
        }
        progress(`iteration ${round + 1}, bases ${step + 1}/${s.basisSteps}`);
      }
      // (2) coefficients: Adam on α with the bases fixed
      const lrCoordinate = lr;
      for (let step = 0; step < s.coordinateSteps; step++) {
        await eventLoopTurn();
        checkAbort('the coefficient steps');
        lr = lrCoordinate * s.coordinateDecay ** (1 + Math.floor((step * PAPER_EPOCHS.coordinate) / s.coordinateSteps));
        const g = gradientStep(lr);
        layers.forEach((l, i) => {
          updateAlqMoments(l.alpha, alqAlphaDomain(l.state, g[i]!), adam(lr));
          const { grad, hessian } = alqQuadraticModel(l.alpha, adam(lr));
          alqCoefficientStep(l.state, grad, hessian);
          refresh(l);
        });
        progress(`iteration ${round + 1}, coefficients ${step + 1}/${s.coordinateSteps}`);
      }
      if (alqNetworkBits(states) <= s.averageBits) break;
      // (3) pruning: a share of the remaining α, least estimated loss increase first, across layers, over pruneSteps batches
      const remaining = states.reduce((a, st) => a + st.active.reduce((x, v) => x + v, 0), 0);
      const stage = Math.ceil(s.pruneRatio * remaining);
      let pruned = 0;
      for (let step = 0; step < s.pruneSteps; step++) {
        await eventLoopTurn();
        checkAbort('the pruning');
        const g = gradientStep(lr);
        const ranked = layers.map((l, i) => {
          updateAlqMoments(l.alpha, alqAlphaDomain(l.state, g[i]!), adam(lr));
          const { grad, hessian } = alqQuadraticModel(l.alpha, adam(lr));
          return { state: l.state, importance: alqPruneImportance(l.state, grad, hessian) };
        });
        const share = Math.ceil((stage * (step + 1)) / s.pruneSteps) - pruned;
        pruned += alqPruneToTarget(ranked, { targetBits: s.averageBits, maxCount: share });
        for (const l of layers) refresh(l);
        progress(`iteration ${round + 1}, pruning ${step + 1}/${s.pruneSteps} (${pruned} α pruned)`);
      }
    }

    const compressed: Record<string, CompressedTensor> = {};
    const report: CompressLayerReport[] = layers.map((l) => {
      const tensor = alqTensorOf(l.state);
      compressed[l.name] = tensor;
      const float = subject.weights.get(l.name)!;
      const decoded = reconstructAlq(l.state);
      let err = 0;
      let norm = 0;
      for (let k = 0; k < float.length; k++) {
        err += (float[k]! - decoded[k]!) ** 2;
        norm += float[k]! ** 2;
      }
      const bytes = alqStateBytes(l.state);
      return {
        name: l.name,
        weights: l.state.total,
        bytes,
        bitsPerWeight: (8 * bytes) / l.state.total,
        error: norm > 0 ? err / norm : 0,
        errorOf: 'weights, ‖W − Ŵ‖²/‖W‖² (ALQ minimises the loss, not this)',
        detail: { structure: l.structure.structure, groupSize: l.structure.groupSize, averageBases: alqSignBits(l.state) / l.state.total, maxBases: s.maxBases },
      };
    });
    const floatWeights = Object.fromEntries(others.map((o) => [o.key, Float32Array.from(o.variable.dataSync())]));
    subject.onProgress(1, `alq: ${alqNetworkBits(states).toFixed(3)} bits per weight (signs) over ${layers.length} layers after ${done} steps`);
    return {
      layers: compressed,
      report: { layers: report, skipped: [] },
      ...(others.length ? { floatWeights } : {}),
      finetune:
        `BN γ/β and biases learned with Adam (AMSGrad) alongside ALQ's ${done} steps, on labelled training batches of ${Math.min(s.batchSize, subject.train.count)} ` +
        `(${subject.train.count} training images${subject.validation.count ? `, the ${subject.validation.count} validation images held out` : ''}); BN statistics kept from the float subnet`,
    };
  } finally {
    net.dispose();
  }
}
