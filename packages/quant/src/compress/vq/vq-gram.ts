import type { Rng } from '@oqat/core';
import { InvalidQuantOptionError, ShapeMismatchError } from '../../errors';
import { vqGeometry } from './vq-tensor';

/**
 * The metric of "And the bit goes down"'s objective for one layer. The
 * paper minimises the error of the layer's outputs, ‖x̃(W − Ŵ)‖², where x̃
 * stacks the layer's input activations unrolled the way the weight is cut:
 * every im2col patch row (a conv's (i, kh, kw) columns, a linear layer's
 * inputs) cut into its column blocks of d, all blocks stacked as rows of one
 * (N·positions·blocks)×d matrix, so that every sub-vector is measured by the
 * same x̃ (the authors' unroll_activations). For a sub-vector v and a codeword c
 * that error is (v − c)ᵀ G (v − c) with G = x̃ᵀx̃ (d×d): this function returns G,
 * accumulated over every patch of every image given (accumulateVqInputGram
 * can sample rows of x̃, as the authors do).
 *
 * `input` is the layer's input, NHWC [n, h, w, c] for a conv (weight
 * [k, k, c, out], or [k, k, c, 1] depthwise: 'same' padding and `stride`, as
 * the project's convs run) or [n, features] for a linear layer (weight
 * [features, out]). Returned row-major d×d in float64, divided by the number
 * of rows of x̃ (a mean, so layers and image counts compare).
 */
export function vqInputGram(input: Float32Array, inputShape: readonly number[], weightShape: readonly number[], blockSize: number, stride = 1): Float64Array {
  const acc = vqGramAccumulator(blockSize);
  accumulateVqInputGram(acc, input, inputShape, weightShape, stride);
  return vqGramMean(acc);
}

/** A running sum of x̃ᵀx̃ over the rows of x̃ taken so far. */
export interface VqGramAccumulator {
  blockSize: number;
  /** upper triangle used, row-major d×d */
  sum: Float64Array;
  rows: number;
}

export function vqGramAccumulator(blockSize: number): VqGramAccumulator {
  return { blockSize, sum: new Float64Array(blockSize * blockSize), rows: 0 };
}

/** Rows of x̃ (patches × blocks per patch) one input of this shape holds. */
export function vqGramRows(inputShape: readonly number[], weightShape: readonly number[], blockSize: number, stride = 1): number {
  const { columns } = vqGeometry(weightShape, blockSize);
  const blocks = columns / blockSize;
  if (weightShape.length === 2) return inputShape[0]! * blocks;
  return inputShape[0]! * Math.ceil(inputShape[1]! / stride) * Math.ceil(inputShape[2]! / stride) * blocks;
}

/**
 * Adds one batch of layer inputs to the accumulator: every row of x̃, or,
 * with `sample`, each row with probability `sample.rate` (the authors sample
 * rows of x̃ too: a layer of many positions and blocks has millions).
 */
export function accumulateVqInputGram(
  acc: VqGramAccumulator, input: Float32Array, inputShape: readonly number[], weightShape: readonly number[], stride = 1,
  sample?: { rate: number; rng: Rng },
): void {
  const d = acc.blockSize;
  const { columns } = vqGeometry(weightShape, d);
  const gram = acc.sum;
  const expected = inputShape.reduce((a, b) => a * b, 1);
  if (input.length !== expected) throw new ShapeMismatchError('vqInputGram', 'input', input.length, expected);
  const rate = sample && sample.rate < 1 ? sample.rate : 1;
  const block = new Float64Array(d);
  const add = () => {
    for (let a = 0; a < d; a++) {
      const xa = block[a]!;
      if (xa === 0) continue;
      const row = a * d;
      for (let b = a; b < d; b++) gram[row + b] += xa * block[b]!;
    }
    acc.rows++;
  };
  if (weightShape.length === 2) {
    if (inputShape.length !== 2 || inputShape[1] !== weightShape[0]) {
      throw new InvalidQuantOptionError('vqInputGram', 'input shape', `[${inputShape.join(', ')}]`, `[n, ${weightShape[0]}] for a linear weight [${weightShape.join(', ')}]`);
    }
    const [n, f] = inputShape as [number, number];
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < columns; j += d) {
        if (rate < 1 && sample!.rng.next() >= rate) continue;
        for (let e = 0; e < d; e++) block[e] = input[s * f + j + e]!;
        add();
      }
    }
    return;
  }
  if (weightShape.length !== 4) {
    throw new InvalidQuantOptionError('vqInputGram', 'weight shape', `[${weightShape.join(', ')}]`, 'a conv [k, k, in, out] or linear [in, out] weight');
  }
  const [kh, kw, inC] = weightShape as [number, number, number, number];
  if (inputShape.length !== 4 || inputShape[3] !== inC) {
    throw new InvalidQuantOptionError('vqInputGram', 'input shape', `[${inputShape.join(', ')}]`, `NHWC [n, h, w, ${inC}] for a conv weight [${weightShape.join(', ')}]`);
  }
  const [n, h, w, c] = inputShape as [number, number, number, number];
  // 'same' padding as TensorFlow pads: output ceil(size/stride), the odd pixel at the end
  const outH = Math.ceil(h / stride);
  const outW = Math.ceil(w / stride);
  const padTop = Math.floor(Math.max((outH - 1) * stride + kh - h, 0) / 2);
  const padLeft = Math.floor(Math.max((outW - 1) * stride + kw - w, 0) / 2);
  const spatial = kh * kw;
  // column c of a patch: input channel ⌊c / k²⌋, tap c mod k² (row-major kh, kw)
  const channelOf = Int32Array.from({ length: columns }, (_, col) => Math.floor(col / spatial));
  const dyOf = Int32Array.from({ length: columns }, (_, col) => Math.floor((col % spatial) / kw));
  const dxOf = Int32Array.from({ length: columns }, (_, col) => col % kw);
  for (let s = 0; s < n; s++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const y0 = oy * stride - padTop;
        const x0 = ox * stride - padLeft;
        for (let j = 0; j < columns; j += d) {
          if (rate < 1 && sample!.rng.next() >= rate) continue;
          for (let e = 0; e < d; e++) {
            const col = j + e;
            const iy = y0 + dyOf[col]!;
            const ix = x0 + dxOf[col]!;
            block[e] = iy >= 0 && iy < h && ix >= 0 && ix < w ? input[((s * h + iy) * w + ix) * c + channelOf[col]!]! : 0;
          }
          add();
        }
      }
    }
  }
}

/** The mean x̃ᵀx̃ (symmetric, d×d) of the rows accumulated; zeros when none. */
export function vqGramMean(acc: VqGramAccumulator): Float64Array {
  const d = acc.blockSize;
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = acc.rows ? acc.sum[a * d + b]! / acc.rows : 0;
      out[a * d + b] = v;
      out[b * d + a] = v;
    }
  }
  return out;
}
