import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { createRng } from '@oqat/core';
import { normalArray } from './test-support';
import { calibrate } from './calibration/calibrate';
import { Quantizer } from './quantizer';

describe('Quantizer: shared step sizes', () => {
  let before = 0;
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('two subnets with different channel slices both update the one shared per-channel step variable', () => {
    before = tf.memory().numTensors;
    const rng = createRng(11);
    const weight = tf.tidy(() => tf.variable(tf.tensor4d(normalArray(rng, 3 * 3 * 2 * 8), [3, 3, 2, 8]), false));
    const q = new Quantizer({ bits: 4, signed: true, channels: 8 });
    tf.dispose(q.quantize(weight)); // initialises the 4-bit steps from the full weight
    const shared = q.step()!;
    expect(q.variables()).toEqual([shared]);
    const initial = q.stepValues();
    const optimizer = tf.train.sgd(0.5);
    // subnet A keeps 4 output channels, subnet B keeps 6 (the first k after sorting).
    const lossOf = (k: number) => () =>
      tf.tidy(() => {
        const wk = tf.slice(weight, [0, 0, 0, 0], [3, 3, 2, k]);
        const qw = q.quantize(wk, { channels: k });
        return tf.sum(tf.square(tf.sub(qw, tf.mul(wk, 0.5)))) as tf.Scalar;
      });
    optimizer.minimize(lossOf(4), false, [shared]);
    const afterA = q.stepValues();
    for (let c = 0; c < 8; c++) {
      if (c < 4) expect(afterA[c]).not.toBe(initial[c]);
      else expect(afterA[c]).toBe(initial[c]);
    }
    optimizer.minimize(lossOf(6), false, [shared]);
    const afterB = q.stepValues();
    expect(q.step()).toBe(shared);
    for (let c = 0; c < 8; c++) {
      if (c < 6) expect(afterB[c]).not.toBe(afterA[c]);
      else expect(afterB[c]).toBe(initial[c]);
    }
    // Both subnets in one loss (sandwich rule): the shared gradient is the sum of theirs.
    const gA = tf.variableGrads(lossOf(4), [shared]);
    const gB = tf.variableGrads(lossOf(6), [shared]);
    const gAB = tf.variableGrads(() => tf.add(lossOf(4)(), lossOf(6)()) as tf.Scalar, [shared]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.add(gA.grads[shared.name]!, gB.grads[shared.name]!), gAB.grads[shared.name]!))));
    expect(diff.dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([gA.value, gB.value, gAB.value, ...Object.values(gA.grads), ...Object.values(gB.grads), ...Object.values(gAB.grads), diff]);
    optimizer.dispose();
    q.dispose();
    weight.dispose();
  });

  it('a per-tensor step is shared by subnets of different widths', () => {
    before = tf.memory().numTensors;
    const rng = createRng(12);
    const weight = tf.tidy(() => tf.variable(tf.tensor2d(normalArray(rng, 16 * 8), [16, 8]), false));
    const q = new Quantizer({ bits: 3, signed: true });
    tf.dispose(q.quantize(weight));
    const s0 = q.stepValues()[0]!;
    const optimizer = tf.train.sgd(0.2);
    for (const k of [3, 8]) {
      optimizer.minimize(() => tf.tidy(() => tf.sum(q.quantize(tf.slice(weight, [0, 0], [16, k]))) as tf.Scalar), false, q.variables());
    }
    expect(q.stepValues()[0]).not.toBe(s0);
    expect(q.step()!.shape).toEqual([]);
    optimizer.dispose();
    q.dispose();
    weight.dispose();
  });

  it("starts a step at the least-squared-error value with stepInit 'mse', below LSQ's 2·mean|x|/sqrt(Qp) at 4 bits", () => {
    before = tf.memory().numTensors;
    const x = tf.tensor1d(normalArray(createRng(14), 4096));
    const lsq = new Quantizer({ bits: 4, signed: true });
    const mse = new Quantizer({ bits: 4, signed: true, stepInit: 'mse' });
    const error = (q: Quantizer): number => tf.tidy(() => tf.sum(tf.square(tf.sub(q.quantize(x), x))).dataSync()[0]!);
    const [eLsq, eMse] = [error(lsq), error(mse)];
    expect(mse.stepValues(4)[0]).toBeCloseTo(calibrate(x.dataSync(), { method: 'mse', bits: 4, signed: true }).scales[0]!, 6);
    expect(mse.stepValues(4)[0]).toBeLessThan(lsq.stepValues(4)[0]!);
    expect(eMse).toBeLessThan(0.8 * eLsq);
    x.dispose();
    lsq.dispose();
    mse.dispose();
  });

  it('switches bit widths at run time, keeping each width its own step; 32 bits is off', () => {
    before = tf.memory().numTensors;
    const x = tf.tensor1d(normalArray(createRng(13), 64));
    const q = new Quantizer({ bits: 8, signed: true });
    tf.dispose(q.quantize(x));
    const s8 = q.stepValues(8)[0]!;
    q.setBits(2);
    const y2 = q.quantize(x);
    expect(new Set(y2.dataSync()).size).toBeLessThanOrEqual(4);
    expect(q.initialisedBits()).toEqual([2, 8]);
    expect(q.stepValues(8)[0]).toBe(s8);
    // LSQ init: 2·mean|x|/sqrt(Qp), Qp = 1 at 2 bits signed.
    const meanAbs = Array.from(x.dataSync()).reduce((a, v) => a + Math.abs(v), 0) / 64;
    expect(q.stepValues(2)[0]).toBeCloseTo(2 * meanAbs, 5);
    q.setBits(32);
    expect(q.quantize(x)).toBe(x);
    expect(() => q.setBits(9)).toThrow('Quantizer.setBits: bits must be 2–8, or 32 for float, got 9');
    tf.dispose([x, y2]);
    q.dispose();
  });

  it('keeps inputs alive for backprop when a caller tidies them away, and rejects too-wide slices', () => {
    before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor2d(normalArray(createRng(14), 4 * 6), [4, 6])));
    const q = new Quantizer({ bits: 4, signed: true, channels: 6, role: 'activation' });
    tf.dispose(q.quantize(w));
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.tidy(() => q.quantize(tf.mul(w, 1.5)))) as tf.Scalar);
    expect(grads[q.step()!.name]!.shape).toEqual([6]);
    expect(grads[w.name]!.shape).toEqual([4, 6]);
    const wide = tf.zeros([2, 7]);
    expect(() => q.quantize(wide)).toThrow(/asked for 7 channels but the quantizer holds 6/);
    tf.dispose([value, wide, ...Object.values(grads)]);
    q.dispose();
    w.dispose();
  });

  it.each(['pow2', 'esb', 'abfp'] as const)('trains the %s format through the same interface', (format) => {
    before = tf.memory().numTensors;
    const x = tf.tensor2d(normalArray(createRng(15), 32 * 4), [32, 4]);
    const q = new Quantizer({ bits: 4, signed: true, format });
    tf.dispose(q.quantize(x));
    const s0 = q.stepValues()[0]!;
    const optimizer = tf.train.adam(0.05);
    for (let i = 0; i < 3; i++) {
      optimizer.minimize(() => tf.tidy(() => tf.mean(tf.square(tf.sub(q.quantize(x), x))) as tf.Scalar), false, q.variables());
    }
    expect(q.stepValues()[0]).not.toBe(s0);
    if (format === 'pow2') {
      const y = q.quantize(x);
      const used = 2 ** Math.round(Math.log2(q.stepValues()[0]!));
      for (const v of y.dataSync()) expect(Number.isInteger(v / used)).toBe(true);
      y.dispose();
    }
    optimizer.dispose();
    x.dispose();
    q.dispose();
  });
});
