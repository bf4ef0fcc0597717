import { describe, expect, it } from 'vitest';
import { alqFitCoefficients, alqNearestCodes } from './alq-fit';
import { initAlq } from './alq-init';
import {
  ALQ_ADAM,
  alqAlphaCurvature,
  alqAlphaDomain,
  alqBasisStep,
  alqCoefficientStep,
  createAlqMoments,
  alqPruneImportance,
  alqPruneToTarget,
  alqQuadraticModel,
  updateAlqMoments,
} from './alq-loss-aware';
import { alqNetworkBits, alqTensorOf, emptyAlqState, reconstructAlq, alqReconstructGrouped, alqStateBytes } from './alq-state';
import { alqStructure } from './alq-structure';
import { alqBytes, decodeAlq } from './alq-tensor';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
};
const flat = (shape: number[]) => ({ shape, order: shape.map((_, k) => k) });
// Two orthogonal sign patterns over 8 weights (every combination twice).
const b1 = [1, 1, -1, -1, 1, 1, -1, -1];
const b2 = [1, -1, 1, -1, 1, -1, 1, -1];

describe('ALQ init (greedy multi-bit, least-squares refit)', () => {
  it('reconstructs exactly a group that is a sum of two binary bases, with two bases, whatever I_max', () => {
    const w = Float32Array.from(b1.map((v, j) => 0.5 * v + 0.25 * b2[j]!));
    const s = initAlq(w, { ...flat([8]), groupSize: 8, maxBases: 4 });
    expect(Array.from(s.active)).toEqual([1, 1, 0, 0]);
    close(reconstructAlq(s), w);
    const t = alqTensorOf(s);
    expect(Array.from(t.bases)).toEqual([2]);
    close(decodeAlq(t), w);
    expect(alqBytes(t)).toBe(alqStateBytes(s));
    expect(alqBytes(t)).toBe(1 + 2 * 4 + 2 * 1);
  });

  it('keeps one basis for a group ±a and none for zeros; groups follow the order (a transposed layout decodes back)', () => {
    // shape [8, 2]: column 0 is 0.3·b1, column 1 all zero; order [1, 0] groups the columns
    const w = new Float32Array(16);
    b1.forEach((v, r) => (w[r * 2] = 0.3 * v));
    const s = initAlq(w, { shape: [8, 2], order: [1, 0], groupSize: 8, maxBases: 3 });
    expect(Array.from(s.active)).toEqual([1, 0, 0, 0, 0, 0]);
    close(decodeAlq(alqTensorOf(s)), w);
  });

  it('lowers the reconstruction error with every basis on a random vector, and alternating cycles never raise it', () => {
    let x = 7;
    const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const w = Float32Array.from({ length: 64 }, rand);
    const err = (r: Float32Array) => r.reduce((a, v, i) => a + (v - w[i]!) ** 2, 0);
    const errors = [1, 2, 3, 4].map((m) => err(reconstructAlq(initAlq(w, { ...flat([64]), groupSize: 16, maxBases: m }))));
    for (let i = 1; i < errors.length; i++) expect(errors[i]!).toBeLessThan(errors[i - 1]!);
    const refined = err(reconstructAlq(initAlq(w, { ...flat([64]), groupSize: 16, maxBases: 2, alternatingCycles: 3 })));
    expect(refined).toBeLessThanOrEqual(errors[1]! + 1e-9);
  });
});

describe('ALQ bases and coefficients', () => {
  it('gives each weight the sign combination nearest its target', () => {
    const s = emptyAlqState([4], [0], 4, 2);
    s.active.set([1, 1]);
    s.alpha.set([0.5, 0.25]);
    // levels: -0.75, -0.25, 0.25, 0.75
    alqNearestCodes(s, Float32Array.of(0.7, 0.1, -0.3, -2));
    close(alqReconstructGrouped(s), [0.75, 0.25, -0.25, -0.75]);
  });

  it('fits α by weighted least squares: one basis gets Σ h β t / Σ h', () => {
    const s = emptyAlqState([3], [0], 3, 1);
    s.active[0] = 1;
    s.signs.set([1, -1, 1]);
    const t = Float32Array.of(1, -2, 4);
    const h = Float32Array.of(1, 1, 2);
    alqFitCoefficients(s, t, h);
    expect(s.alpha[0]).toBeCloseTo((1 * 1 + 1 * 2 + 2 * 4) / 4, 6);
    // a negative fit flips the basis instead: α stays positive, the weights are the same
    alqFitCoefficients(s, Float32Array.of(-1, 1, -1), null);
    expect(s.alpha[0]).toBeCloseTo(1, 6);
    close(alqReconstructGrouped(s), [-1, 1, -1]);
  });

  it('a basis step lands on the quadratic model\'s optimum ŵ − g/h when that is a sum of the bases', () => {
    const s = initAlq(Float32Array.from(b1.map((v) => 0.4 * v)), { ...flat([8]), groupSize: 8, maxBases: 2 });
    s.active[1] = 1;
    s.alpha[1] = 0.01;
    const optimum = Float32Array.from(b1.map((v, j) => 0.5 * v + 0.25 * b2[j]!));
    const h = Float32Array.from({ length: 8 }, (_, j) => 1 + j);
    const w = alqReconstructGrouped(s);
    const g = Float32Array.from(w, (v, j) => (v - optimum[j]!) * h[j]!);
    alqBasisStep(s, g, h);
    close(alqReconstructGrouped(s), optimum, 1e-5);
  });

  it('a coefficient step moves α by −g_α/h_α; the α domain sums the weight domain along each basis', () => {
    const s = emptyAlqState([4], [0], 4, 2);
    s.active.set([1, 1]);
    s.alpha.set([0.5, 0.25]);
    s.signs.set([1, 1, -1, -1, 1, -1, 1, -1]);
    const x = Float32Array.of(1, 2, 3, 4);
    close(alqAlphaDomain(s, x), [1 + 2 - 3 - 4, 1 - 2 + 3 - 4]);
    close(alqAlphaCurvature(s, x), [10, 10]);
    alqCoefficientStep(s, Float32Array.of(0.1, -0.2), Float32Array.of(2, 4));
    close(s.alpha, [0.45, 0.3]);
  });

  it('the model from AMSGrad moments after one step is Adam\'s: g/h = lr·sign(g)', () => {
    const mo = createAlqMoments(3);
    updateAlqMoments(mo, Float32Array.of(0.5, -2, 0), ALQ_ADAM);
    const { grad, hessian } = alqQuadraticModel(mo, ALQ_ADAM);
    close(Float32Array.from(grad, (g, k) => g / hessian[k]!), [1e-3, -1e-3, 0], 1e-9);
    close(hessian, [0.5, 2, 0], 1e-6);
  });
});

describe('ALQ pruning to an average-bit target', () => {
  it('estimates the loss increase of pruning α as −g·α + ½h·α²', () => {
    const s = emptyAlqState([4], [0], 4, 2);
    s.active.set([1, 0]);
    s.alpha.set([0.5, 0]);
    const imp = alqPruneImportance(s, Float32Array.of(0.2, 9), Float32Array.of(4, 9));
    expect(imp[0]).toBeCloseTo(-0.1 + 0.5, 6);
    expect(imp[1]).toBe(Infinity);
  });

  it('removes the least important α first, across layers, and stops at the target', () => {
    const a = emptyAlqState([4], [0], 2, 2); // 2 groups of 2 weights, 2 bases each: 2 bits
    a.active.fill(1);
    const b = emptyAlqState([8], [0], 8, 2); // 1 group of 8 weights, 2 bases: 2 bits
    b.active.fill(1);
    const layers = [
      { state: a, importance: Float32Array.of(5, 1, 6, 7) },
      { state: b, importance: Float32Array.of(3, 2) },
    ];
    expect(alqNetworkBits([a, b])).toBe(2);
    // target 1.5 of 12 weights = 18 bits: prune slot a1 (-2 bits: 22), b1 (-8: 14 <= 18), stop
    expect(alqPruneToTarget(layers, { targetBits: 1.5 })).toBe(2);
    expect(Array.from(a.active)).toEqual([1, 0, 1, 1]);
    expect(Array.from(b.active)).toEqual([1, 0]);
    expect(alqNetworkBits([a, b])).toBeCloseTo(14 / 12, 12);
    // the schedule's share: one at a time
    expect(alqPruneToTarget(layers, { targetBits: 0, maxCount: 1 })).toBe(1);
    expect(Array.from(b.active)).toEqual([0, 0]);
  });

  it('hits the target on a random layer: the average is at or below it, and was above it before the last α', () => {
    let x = 3;
    const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const w = Float32Array.from({ length: 16 * 24 }, rand);
    const s = initAlq(w, { shape: [16, 24], order: [1, 0], groupSize: 16, maxBases: 4 });
    const imp = alqPruneImportance(s, new Float32Array(s.alpha.length), new Float32Array(s.alpha.length).fill(1));
    alqPruneToTarget([{ state: s, importance: imp }], { targetBits: 1.5 });
    expect(alqNetworkBits([s])).toBeLessThanOrEqual(1.5);
    expect(alqNetworkBits([s])).toBeGreaterThan(1.5 - 16 / s.total);
    // with g = 0 the importance is ½α²: every pruned α is smaller than every kept one
    const kept = s.alpha.filter((_, k) => s.active[k]);
    const prunedMax = Math.max(...Array.from(imp).filter((v, k) => !s.active[k] && Number.isFinite(v)).map((v) => Math.sqrt(2 * v)));
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(prunedMax - 1e-7);
  });
});

describe('alqStructure (the paper\'s groups)', () => {
  it('pixelwise convs, a channelwise stem, kernelwise depthwise, subchannelwise linears', () => {
    expect(alqStructure([3, 3, 32, 64], false)).toEqual({ structure: 'pixelwise', order: [3, 0, 1, 2], groupSize: 32 });
    expect(alqStructure([3, 3, 1, 16], false)).toEqual({ structure: 'channelwise', order: [3, 0, 1, 2], groupSize: 9 });
    expect(alqStructure([5, 5, 48, 1], true)).toEqual({ structure: 'kernelwise', order: [2, 3, 0, 1], groupSize: 25 });
    expect(alqStructure([1280, 10], false)).toEqual({ structure: 'subchannelwise', order: [1, 0], groupSize: 320 });
    expect(alqStructure([960, 10], false).groupSize).toBe(480);
  });
});
