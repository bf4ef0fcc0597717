import type { Rng } from '@oqat/core';

/**
 * The accuracy predictor: a small ReLU MLP regressing measured accuracy from
 * a candidate's feature vector (once-for-all fits a 3x400 MLP on thousands of
 * arch2feature samples). With a few hundred samples one hidden layer of 64
 * ranked held-out candidates as well as 2x32 or 1x128, at half the time of
 * the latter (tools/bench/search-predictor.ts). Plain
 * TypeScript rather than tfjs: the fit is exactly reproducible from the rng,
 * there are no tensors to leak, and per-sample sparse one-hot inputs need no
 * batching machinery. Parameters are Float64Array internally (V8 does no
 * float32 rounding on each update); features come in as Float32Array.
 */
export interface MlpOptions {
  /** hidden layer widths */
  hidden: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty: a few hundred samples overfit a wide layer quickly */
  weightDecay: number;
}

export const DEFAULT_MLP_OPTIONS: Readonly<MlpOptions> = {
  hidden: [64],
  epochs: 150,
  batchSize: 32,
  learningRate: 3e-3,
  weightDecay: 1e-4,
};

export interface AccuracyPredictor {
  readonly inputSize: number;
  predict(feature: Float32Array): number;
}

interface Layer {
  inSize: number;
  outSize: number;
  /** row-major [out][in] */
  w: Float64Array;
  b: Float64Array;
}

/** Adam state per parameter array (same layout as the parameter). */
interface Moments {
  m: Float64Array;
  v: Float64Array;
}

function initLayer(inSize: number, outSize: number, rng: Rng): Layer {
  // He initialisation: keeps ReLU activations at unit scale through the layers.
  const scale = Math.sqrt(2 / inSize);
  const w = new Float64Array(inSize * outSize);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() * scale;
  return { inSize, outSize, w, b: new Float64Array(outSize) };
}

/** First layer: z = W·x + b over the non-zero inputs only (the features are mostly one-hot zeros). */
function sparseAffine(layer: Layer, x: Float32Array, nonZero: Int32Array, z: Float64Array): void {
  const { inSize, outSize, w, b } = layer;
  for (let o = 0; o < outSize; o++) {
    let s = b[o]!;
    const row = o * inSize;
    for (let k = 0; k < nonZero.length; k++) s += w[row + nonZero[k]!]! * x[nonZero[k]!]!;
    z[o] = s;
  }
}

/** Deeper layers: dense z = W·x + b. Kept apart from sparseAffine so each loop sees one array type (V8 stays monomorphic). */
function denseAffine(layer: Layer, x: Float64Array, z: Float64Array): void {
  const { inSize, outSize, w, b } = layer;
  for (let o = 0; o < outSize; o++) {
    let s = b[o]!;
    const row = o * inSize;
    for (let j = 0; j < inSize; j++) s += w[row + j]! * x[j]!;
    z[o] = s;
  }
}

function nonZeroIndices(x: Float32Array): Int32Array {
  const idx: number[] = [];
  for (let j = 0; j < x.length; j++) if (x[j] !== 0) idx.push(j);
  return Int32Array.from(idx);
}

class MlpPredictor implements AccuracyPredictor {
  readonly inputSize: number;
  /** activations per layer, reused between calls (the predictor is not re-entrant) */
  private readonly acts: Float64Array[];
  /** back-propagated error per layer output, reused between samples */
  private readonly deltas: Float64Array[];

  constructor(
    private readonly layers: Layer[],
    private readonly targetMean: number,
    private readonly targetStd: number,
  ) {
    this.inputSize = layers[0]!.inSize;
    this.acts = layers.map((l) => new Float64Array(l.outSize));
    this.deltas = layers.map((l) => new Float64Array(l.outSize));
  }

  /** Forward pass; returns the normalised output and leaves every layer's activation in `acts`. */
  forward(x: Float32Array, nonZero: Int32Array): number {
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const z = this.acts[l]!;
      if (l === 0) sparseAffine(this.layers[0]!, x, nonZero, z);
      else denseAffine(this.layers[l]!, this.acts[l - 1]!, z);
      if (l < last) for (let o = 0; o < z.length; o++) if (z[o]! < 0) z[o] = 0;
    }
    return this.acts[last]![0]!;
  }

  predict(feature: Float32Array): number {
    if (feature.length !== this.inputSize) {
      throw new RangeError(`accuracy predictor: feature length must be ${this.inputSize}, got ${feature.length}`);
    }
    return this.forward(feature, nonZeroIndices(feature)) * this.targetStd + this.targetMean;
  }

  /** Adds one sample's gradient of (out - y)² / batchSize to `grads`. */
  private accumulate(x: Float32Array, nonZero: Int32Array, y: number, batchSize: number, grads: Layer[]): void {
    const L = this.layers.length;
    const out = this.forward(x, nonZero);
    this.deltas[L - 1]![0] = (2 * (out - y)) / batchSize;
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      const { inSize, outSize, w } = layer;
      const delta = this.deltas[l]!;
      const g = grads[l]!;
      for (let r = 0; r < outSize; r++) {
        const d = delta[r]!;
        if (d === 0) continue;
        g.b[r]! += d;
        const row = r * inSize;
        if (l === 0) {
          for (let k = 0; k < nonZero.length; k++) g.w[row + nonZero[k]!]! += d * x[nonZero[k]!]!;
        } else {
          const input = this.acts[l - 1]!;
          for (let j = 0; j < inSize; j++) g.w[row + j]! += d * input[j]!;
        }
      }
      if (l === 0) break;
      const prev = this.deltas[l - 1]!;
      const prevAct = this.acts[l - 1]!;
      prev.fill(0);
      // prev = Wᵀ·delta, row by row (contiguous reads of W), then the ReLU mask.
      for (let r = 0; r < outSize; r++) {
        const d = delta[r]!;
        if (d === 0) continue;
        const row = r * inSize;
        for (let j = 0; j < inSize; j++) prev[j]! += w[row + j]! * d;
      }
      for (let j = 0; j < inSize; j++) if (prevAct[j]! <= 0) prev[j] = 0;
    }
  }

  /** One Adam step on a minibatch of (feature, normalised target). */
  trainBatch(xs: Float32Array[], nz: Int32Array[], ys: Float64Array, batch: ArrayLike<number>, grads: Layer[], moments: Moments[], step: number, o: MlpOptions): void {
    for (const g of grads) {
      g.w.fill(0);
      g.b.fill(0);
    }
    for (let s = 0; s < batch.length; s++) {
      const i = batch[s]!;
      this.accumulate(xs[i]!, nz[i]!, ys[i]!, batch.length, grads);
    }
    const c1 = 1 - ADAM_BETA1 ** step;
    const c2 = 1 - ADAM_BETA2 ** step;
    for (let l = 0; l < this.layers.length; l++) {
      adam(this.layers[l]!.w, grads[l]!.w, moments[2 * l]!, o.learningRate, o.weightDecay, c1, c2);
      adam(this.layers[l]!.b, grads[l]!.b, moments[2 * l + 1]!, o.learningRate, 0, c1, c2);
    }
  }
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;

function adam(p: Float64Array, g: Float64Array, mo: Moments, lr: number, decay: number, c1: number, c2: number): void {
  const b1 = ADAM_BETA1;
  const b2 = ADAM_BETA2;
  for (let k = 0; k < p.length; k++) {
    const grad = g[k]! + decay * p[k]!;
    mo.m[k] = b1 * mo.m[k]! + (1 - b1) * grad;
    mo.v[k] = b2 * mo.v[k]! + (1 - b2) * grad * grad;
    p[k]! -= (lr * (mo.m[k]! / c1)) / (Math.sqrt(mo.v[k]! / c2) + 1e-8);
  }
}

/**
 * Fits the MLP to (feature, accuracy) pairs with Adam on mean squared error.
 * Targets are standardised first: accuracies of one supernet's subnets sit in
 * a narrow band (say 0.80–0.90), which an unscaled output would barely resolve.
 */
export function fitAccuracyPredictor(
  features: readonly Float32Array[],
  targets: ArrayLike<number>,
  rng: Rng,
  options: Partial<MlpOptions> = {},
): AccuracyPredictor {
  const o: MlpOptions = { ...DEFAULT_MLP_OPTIONS, ...options };
  const n = features.length;
  if (n < 2 || targets.length !== n) {
    throw new RangeError(`accuracy predictor: needs at least 2 samples with one target each, got ${n} features and ${targets.length} targets`);
  }
  const inputSize = features[0]!.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += targets[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (targets[i]! - mean) ** 2;
  const std = Math.sqrt(variance / n) || 1;
  const ys = Float64Array.from({ length: n }, (_, i) => (targets[i]! - mean) / std);
  const sizes = [inputSize, ...o.hidden, 1];
  const layers = sizes.slice(1).map((out, l) => initLayer(sizes[l]!, out, rng));
  const grads = layers.map((l) => ({ ...l, w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
  const moments = layers.flatMap((l) => [
    { m: new Float64Array(l.w.length), v: new Float64Array(l.w.length) },
    { m: new Float64Array(l.b.length), v: new Float64Array(l.b.length) },
  ]);
  const net = new MlpPredictor(layers, mean, std);
  const nz = features.map(nonZeroIndices);
  const xs = features.slice();
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = rng.permutation(n);
    for (let start = 0; start < n; start += o.batchSize) {
      net.trainBatch(xs, nz, ys, order.subarray(start, Math.min(n, start + o.batchSize)), grads, moments, ++step, o);
    }
  }
  return net;
}
