import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import { InvalidQuantOptionError, StepShapeError } from '../errors';
import { normalArray } from '../test-support';
import { SRQ_NOISE, srqLevelOf, srqQuantize } from './srq-quantize';

const sigmoid = (t: number): number => 1 / (1 + Math.exp(-t));

/**
 * The relaxed surrogate the multi-class STE differentiates, written from its
 * definition over the whole grid (not the op's window, not in log space):
 * s·Σ g·ω_g·π_g / Σ ω_g·π_g with π_g = Sig((g + 1/2 - v)/τ) - Sig((g - 1/2 - v)/τ).
 * `weight(g)` is the point's keep value (continuous here).
 */
function surrogate(x: number, s: number, lo: number, hi: number, weight: (g: number) => number, noise = SRQ_NOISE): number {
  const v = x / s;
  let z = 0;
  let e = 0;
  for (let g = lo; g <= hi; g++) {
    const p = weight(g) * (sigmoid((g + 0.5 - v) / noise) - sigmoid((g - 0.5 - v) / noise));
    z += p;
    e += g * p;
  }
  return (s * e) / z;
}

const centralDifference = (f: (t: number) => number, t: number, h: number): number => (f(t + h) - f(t - h)) / (2 * h);

/** Runs srqQuantize on host values and returns the forward and the gradients of Σ dy·q. */
function run(xs: number[], s: number, options: Parameters<typeof srqQuantize>[3], keep?: number[], dy?: number[]) {
  return tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const step = tf.scalar(s);
    const w = tf.tensor1d(dy ?? xs.map(() => 1));
    const inputs = keep ? [x, step, tf.tensor1d(keep)] : [x, step];
    const f = (...ts: tf.Tensor[]) => tf.sum(tf.mul(srqQuantize(ts[0]!, ts[1]!, ts[2], options), w));
    const { grads } = tf.valueAndGrads(f)(inputs);
    return {
      q: Array.from(srqQuantize(x, step, inputs[2], options).dataSync()),
      dx: Array.from(grads[0]!.dataSync()),
      ds: grads[1]!.dataSync()[0]!,
      dKeep: keep ? Array.from(grads[2]!.dataSync()) : [],
    };
  });
}

describe.each(['cpu', 'wasm'] as const)('srqQuantize on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it('rounds to the nearest grid point, clamped (hand-computed)', () => {
    // 2-bit signed, s = 0.5: grid {-2, -1, 0, 1}·0.5.
    const { q } = run([-2, -0.3, 0.26, 0.74, 5], 0.5, { bits: 2, signed: true });
    expect(q).toEqual([-1, -0.5, 0.5, 0.5, 0.5]);
    // 3-bit unsigned, s = 0.25: grid {0..7}·0.25; ties round half to even (0.375/0.25 = 1.5 -> 2).
    expect(run([-1, 0.1, 0.375, 1.6, 3], 0.25, { bits: 3, signed: false }).q.map((v) => v + 0)).toEqual([0, 0, 0.5, 1.5, 1.75]);
  });

  it('a dropped level leaves the coarser grid: 4-bit with the finest level dropped is the 3-bit grid at 2s', () => {
    // 4-bit signed grid in steps [-8, 7]; level keep [3-bit: 1, 4-bit: 0]: points are multiples of 2 in [-8, 6].
    const xs = [0.3, 0.65, 2.9, -7.9, 6.9].map((v) => v * 0.1);
    expect(run(xs, 0.1, { bits: 4, signed: true, minBits: 2 }, [1, 0]).q.map((v) => Math.round(v * 10))).toEqual([0, 0, 2, -8, 6]);
    // both dropped: multiples of 4 in [-8, 4].
    expect(run(xs, 0.1, { bits: 4, signed: true, minBits: 2 }, [0, 0]).q.map((v) => Math.round(v * 10))).toEqual([0, 0, 4, -8, 4]);
    // all kept: the plain 4-bit grid.
    expect(run(xs, 0.1, { bits: 4, signed: true, minBits: 2 }, [1, 1]).q.map((v) => Math.round(v * 10))).toEqual([0, 1, 3, -8, 7]);
  });

  it('levels: the coarse grid is level 0, each finer width the next', () => {
    // L = 2 (4-bit over 2-bit): multiples of 4 -> 0, of 2 -> 1 (3-bit), odd -> 2 (4-bit).
    expect([-8, -6, -3, 0, 2, 4, 5].map((g) => srqLevelOf(g, 2))).toEqual([0, 1, 2, 0, 1, 0, 2]);
    expect([0, 1, 2].map((g) => srqLevelOf(g, 0))).toEqual([0, 0, 0]);
  });

  it('gradients are those of the relaxed surrogate (finite differences in x and s)', () => {
    const s = 0.4;
    const xs = [-0.93, -0.41, 0.05, 0.17, 0.31, 0.55, 1.9];
    const dy = [0.7, -1.2, 0.4, 1, -0.3, 2, 0.9];
    const { dx, ds } = run(xs, s, { bits: 3, signed: true, gradScale: 1 }, undefined, dy);
    const nearest = (x: number) => Math.min(3, Math.max(-4, Math.round(x / s)));
    // The op sums the grid points within 2 of the chosen one (RQ's local grid); the whole grid differs by < 2 %.
    const windowed = (x: number, step: number, n: number) => surrogate(x, step, Math.max(-4, n - 2), Math.min(3, n + 2), () => 1);
    const whole = (x: number, step: number) => surrogate(x, step, -4, 3, () => 1);
    xs.forEach((x, i) => {
      const n = nearest(x);
      expect(dx[i]).toBeCloseTo(dy[i]! * centralDifference((t) => windowed(t, s, n), x, 1e-4), 4);
      expect(Math.abs(dx[i]! - dy[i]! * centralDifference((t) => whole(t, s), x, 1e-4))).toBeLessThan(0.02 * Math.abs(dy[i]!));
    });
    const dsRef = xs.reduce((a, x, i) => a + dy[i]! * centralDifference((t) => windowed(x, t, nearest(x)), s, 1e-5), 0);
    // The STE's s-gradient takes the forward's grid point where the surrogate has its mean: they differ by Σ dy·(n - E).
    const gap = xs.reduce((a, x, i) => a + dy[i]! * (nearest(x) - windowed(x, s, nearest(x)) / s), 0);
    expect(ds).toBeCloseTo(dsRef + gap, 4);
  });

  it('the slope is ~1 inside the range and ~0 far outside (a straight-through estimator)', () => {
    const { dx } = run([0.02, 0.5, 5, -5], 0.25, { bits: 3, signed: true });
    expect(dx[0]).toBeGreaterThan(0.5);
    expect(dx[1]).toBeGreaterThan(0.5);
    expect(Math.abs(dx[2]!)).toBeLessThan(1e-6);
    expect(Math.abs(dx[3]!)).toBeLessThan(1e-6);
  });

  it('keep gradients are those of the surrogate in each level weight (finite differences), also for a dropped level', () => {
    const s = 0.1;
    const xs = [0.13, 0.26, -0.42, 0.58];
    const dy = [1, -0.5, 0.8, 1.3];
    const keep = [1, 0];
    const { dKeep } = run(xs, s, { bits: 4, signed: true, minBits: 2, gradScale: 1 }, keep, dy);
    for (let l = 0; l < 2; l++) {
      // The window: spacing 2 (the finest level dropped) plus one on each side of the chosen point.
      const numeric = xs.reduce((a, x, i) => {
        const n = 2 * Math.round(x / s / 2);
        const at = (w: number) => surrogate(x, s, Math.max(-8, n - 3), Math.min(7, n + 3), (g) => [1, ...keep.map((k, j) => (j === l ? w : k))][srqLevelOf(g, 2)]!);
        return a + dy[i]! * centralDifference(at, keep[l]!, 1e-4);
      }, 0);
      expect(dKeep[l]).toBeCloseTo(numeric, 4);
    }
    expect(Math.abs(dKeep[1]!)).toBeGreaterThan(1e-3);
  });

  it('all levels kept equals plain SRQ; no tensor leaks', () => {
    const xs = Array.from(normalArray(createRng(4), 64, 0.5));
    const before = tf.memory().numTensors;
    const plain = run(xs, 0.1, { bits: 4, signed: true });
    const kept = run(xs, 0.1, { bits: 4, signed: true, minBits: 2 }, [1, 1]);
    expect(kept.q).toEqual(plain.q);
    kept.dx.forEach((d, i) => expect(d).toBeCloseTo(plain.dx[i]!, 5));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a bad minBits, keep vector, step shape', () => {
    const x = tf.tensor1d([1]);
    expect(() => srqQuantize(x, tf.scalar(1), undefined, { bits: 8, signed: true, minBits: 2 })).toThrow(InvalidQuantOptionError);
    expect(() => srqQuantize(x, tf.scalar(1), tf.tensor1d([0, 1]), { bits: 4, signed: true, minBits: 2 })).toThrow(/nested/);
    expect(() => srqQuantize(x, tf.scalar(1), tf.tensor1d([1]), { bits: 4, signed: true, minBits: 2 })).toThrow(/shape \[2\]/);
    expect(() => srqQuantize(x, tf.tensor1d([1, 2]), undefined, { bits: 4, signed: true })).toThrow(StepShapeError);
  });
});
