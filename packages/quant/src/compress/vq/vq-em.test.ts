import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidQuantOptionError } from '../../errors';
import { roundToFloat16 } from './float16';
import { assignVq, fitVq, vqSubVectors } from './vq-em';
import { accumulateVqInputGram, vqGramAccumulator, vqGramMean, vqGramRows, vqInputGram } from './vq-gram';
import { decodeVq } from './vq-tensor';

const normals = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
};

beforeAll(async () => {
  await initEngine();
});

describe('assignVq', () => {
  it('picks the codeword nearest under the output metric G, not in weight space', () => {
    const v = Float64Array.from([0, 0]);
    const codebook = [0.5, 0, 0, 2]; // c0 is nearer in weights (0.25 vs 4)
    const a = new Int32Array(1);
    assignVq(v, codebook, Float64Array.from([1, 0, 0, 1]), 2, a);
    expect(a[0]).toBe(0);
    // inputs that make the first weight 10x as loud: c0 costs 100·0.25 = 25, c1 costs 4
    const error = assignVq(v, codebook, Float64Array.from([100, 0, 0, 1]), 2, a);
    expect(a[0]).toBe(1);
    expect(error).toBeCloseTo(4, 12);
  });
});

describe('vqInputGram', () => {
  it('gives vᵀGv = the mean squared output of a conv whose one output unit has weights v (stride 2, TF same padding)', () => {
    for (const [h, stride] of [[5, 2], [4, 2], [4, 1]] as const) {
      const x = normals(h * 10 + stride, 2 * h * h * 3);
      const v = normals(99, 27);
      const gram = vqInputGram(x, [2, h, h, 3], [3, 3, 3, 1], 27, stride);
      // v in (i, kh, kw) order -> HWIO [3, 3, 3, 1]
      const hwio = new Float32Array(27);
      for (let i = 0; i < 3; i++) for (let s = 0; s < 9; s++) hwio[s * 3 + i] = v[i * 9 + s]!;
      const out = tf.conv2d(tf.tensor4d(x, [2, h, h, 3]), tf.tensor4d(hwio, [3, 3, 3, 1]), stride, 'same');
      const meanSq = tf.mean(tf.square(out)).dataSync()[0]!;
      let q = 0;
      for (let a = 0; a < 27; a++) for (let b = 0; b < 27; b++) q += v[a]! * gram[a * 27 + b]! * v[b]!;
      expect(q).toBeCloseTo(meanSq, 4);
    }
  });

  it('samples rows of x̃ at a rate: about rate·rows taken, the mean close to the full one', () => {
    const x = normals(11, 8 * 16 * 16 * 6);
    const shape = [3, 3, 6, 1];
    const full = vqInputGram(x, [8, 16, 16, 6], shape, 18, 1);
    const acc = vqGramAccumulator(18);
    accumulateVqInputGram(acc, x, [8, 16, 16, 6], shape, 1, { rate: 0.25, rng: createRng(1) });
    const total = vqGramRows([8, 16, 16, 6], shape, 18, 1);
    expect(total).toBe(8 * 256 * 3);
    expect(Math.abs(acc.rows - total / 4)).toBeLessThan(total * 0.05);
    const sampled = vqGramMean(acc);
    for (let i = 0; i < full.length; i++) expect(Math.abs(sampled[i]! - full[i]!)).toBeLessThan(0.15); // ~1,500 rows: σ ≈ 0.03
  });

  it('stacks a layer input cut in blocks: a linear layer with d = 2 averages the blocks\' outer products', () => {
    const gram = vqInputGram(Float32Array.from([1, 2, 3, 4]), [1, 4], [4, 1], 2);
    expect(Array.from(gram)).toEqual([(1 + 9) / 2, (2 + 12) / 2, (2 + 12) / 2, (4 + 16) / 2]);
  });
});

describe('fitVq', () => {
  const shape = [3, 3, 4, 8]; // 32 sub-vectors of d = 9
  const x = normals(3, 2 * 6 * 6 * 4);
  const gram = vqInputGram(x, [2, 6, 6, 4], shape, 9, 1);

  it('lowers the output objective at every EM iteration', () => {
    const w = normals(4, 3 * 3 * 4 * 8);
    const fit = fitVq(w, shape, { blockSize: 9, codewords: 8, gram, iterations: 30, rng: createRng(5) });
    expect(fit.objective.length).toBeGreaterThan(2);
    for (let t = 1; t < fit.objective.length; t++) expect(fit.objective[t]!).toBeLessThanOrEqual(fit.objective[t - 1]! * (1 + 1e-12));
    expect(fit.objective.at(-1)!).toBeLessThan(fit.objective[0]! * 0.99);
    expect(fit.storedObjective).toBeCloseTo(fit.objective.at(-1)!, 3);
  });

  it('still lowers it when clusters empty out (many equal sub-vectors) and refills them by splitting', () => {
    // 32 sub-vectors, 24 of them one value: most draws of 8 codewords repeat it
    const w = normals(6, 3 * 3 * 4 * 8);
    const offsets = [...Array(24).keys()];
    const same = Array.from(normals(7, 9));
    const weights = new Float32Array(w);
    // write the equal sub-vectors back through decode's layout: sub-vector n = output n/4, input n%4
    for (const n of offsets) for (let e = 0; e < 9; e++) weights[(e * 4 + (n % 4)) * 8 + Math.floor(n / 4)] = same[e]!;
    expect(vqSubVectors(weights, shape, 9).slice(0, 9)).toEqual(Float64Array.from(same, (s) => Math.fround(s)));
    let refilled = 0;
    for (const seed of [1, 2, 3]) {
      const fit = fitVq(weights, shape, { blockSize: 9, codewords: 8, gram, iterations: 30, rng: createRng(seed) });
      refilled += fit.emptyClustersResolved;
      for (let t = 1; t < fit.objective.length; t++) expect(fit.objective[t]!).toBeLessThanOrEqual(fit.objective[t - 1]! * (1 + 1e-12));
      expect(new Set(fit.tensor.indices).size).toBe(8); // every codeword in use at the end
    }
    expect(refilled).toBeGreaterThan(0);
  });

  it('reconstructs exactly when k is at least the number of distinct sub-vectors', () => {
    const distinct = [[0.5, -1], [2, 0.25], [-0.75, 3]];
    const weights = new Float32Array(4 * 6); // linear [4, 6], d = 2: 12 sub-vectors
    for (let n = 0; n < 12; n++) {
      const [a, b] = distinct[(n * 7) % 3]!;
      const o = Math.floor(n / 2);
      const i = (n % 2) * 2;
      weights[i * 6 + o] = a!;
      weights[(i + 1) * 6 + o] = b!;
    }
    for (const k of [3, 4, 6]) {
      for (const seed of [1, 2, 3, 4]) {
        const fit = fitVq(weights, [4, 6], { blockSize: 2, codewords: k, iterations: 20, rng: createRng(seed) });
        expect(Array.from(decodeVq(fit.tensor))).toEqual(Array.from(weights));
        expect(fit.storedObjective).toBe(0);
      }
    }
  });

  it('stores the codebook in float16 and byte indices for k <= 256', () => {
    const w = normals(8, 3 * 3 * 4 * 8);
    const fit = fitVq(w, shape, { blockSize: 9, codewords: 4, gram, iterations: 5, rng: createRng(9) });
    expect(fit.tensor.indices).toBeInstanceOf(Uint8Array);
    for (const value of decodeVq(fit.tensor)) expect(roundToFloat16(value)).toBe(value);
  });

  it('refuses more codewords than sub-vectors', () => {
    expect(() => fitVq(new Float32Array(8), [4, 2], { blockSize: 4, codewords: 3, iterations: 1, rng: createRng(1) })).toThrow(InvalidQuantOptionError);
  });
});
