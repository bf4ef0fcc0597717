import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { quantRange, roundHalfEven } from '../bits';
import { createRng } from '@oqat/core';
import { normalArray } from '../test-support';
import { lsqQuantize } from './lsq';

const BACKENDS = ['cpu', 'wasm'] as const;

/** Host reference of the forward and of LSQ's step gradient for a scalar step. */
function reference(x: Float32Array, s: number, bits: number, signed: boolean, w: Float32Array) {
  const { qn, qp } = quantRange(bits, signed);
  const q = new Float32Array(x.length);
  let ds = 0;
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.fround(x[i]! / s);
    const r = Math.min(qp, Math.max(-qn, roundHalfEven(v)));
    q[i] = r * s;
    const inside = v >= -qn && v <= qp;
    dx[i] = inside ? w[i]! : 0;
    ds += w[i]! * (inside ? roundHalfEven(v) - v : r);
  }
  return { q, dx, ds: ds / Math.sqrt(x.length * qp) };
}

describe.each(BACKENDS)('lsqQuantize on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it.each([
    [2, true],
    [3, true],
    [4, false],
    [8, true],
  ] as const)('forward and gradients match the LSQ rule at %i bits, signed=%s', (bits, signed) => {
    const rng = createRng(bits * 10 + (signed ? 1 : 0));
    const xs = normalArray(rng, 257, 1.3);
    const ws = normalArray(rng, 257);
    const s = 0.37;
    const ref = reference(xs, s, bits, signed, ws);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(xs);
    const w = tf.tensor1d(ws);
    const step = tf.scalar(s);
    const q = lsqQuantize(x, step, { bits, signed });
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(lsqQuantize(a, b, { bits, signed }), w)))([x, step]) as { value: tf.Tensor; grads: tf.Tensor[] };
    const got = q.dataSync();
    for (let i = 0; i < xs.length; i++) expect(got[i]).toBeCloseTo(ref.q[i]!, 5);
    // straight-through rule for x: 1 inside the range, 0 outside.
    expect(Array.from(grads[0]!.dataSync(), (v) => v + 0)).toEqual(Array.from(ref.dx, (v) => v + 0));
    expect(grads[1]!.dataSync()[0]).toBeCloseTo(ref.ds, 4);
    tf.dispose([x, w, step, q, value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('step gradient matches finite differences where round is frozen (the LSQ surrogate) and on clipped values', () => {
    const bits = 3;
    const { qn, qp } = quantRange(bits, true);
    const rng = createRng(7);
    const xs = normalArray(rng, 500, 2);
    const ws = normalArray(rng, 500);
    const s = 0.41;
    const g = 1 / Math.sqrt(xs.length * qp);
    // Surrogate with round's residual δ = round(x/s) - x/s and the clip region frozen at s:
    // F(t) = Σ w·clamp(x/t + δ)·t. Its derivative at t = s is what LSQ calls ∂q/∂s.
    const delta = xs.map((x) => roundHalfEven(Math.fround(x / s)) - Math.fround(x / s));
    const region = xs.map((x) => (x / s < -qn ? -1 : x / s > qp ? 1 : 0));
    const surrogate = (t: number): number =>
      xs.reduce((acc, x, i) => acc + ws[i]! * (region[i] === -1 ? -qn * t : region[i] === 1 ? qp * t : x + delta[i]! * t), 0);
    const h = 1e-4;
    const fd = ((surrogate(s + h) - surrogate(s - h)) / (2 * h)) * g;
    const before = tf.memory().numTensors;
    const step = tf.tidy(() => tf.variable(tf.scalar(s)));
    const x = tf.tensor1d(xs);
    const w = tf.tensor1d(ws);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(lsqQuantize(x, step, { bits, signed: true }), w)) as tf.Scalar, [step]);
    expect(grads[step.name]!.dataSync()[0]).toBeCloseTo(fd, 3);

    // All values clipped: here the true loss is exactly -Qn·s or Qp·s per element, so a plain
    // finite difference of the real forward must equal the LSQ gradient / g.
    const far = tf.tensor1d(xs.map((v) => (v >= 0 ? 10 + v : -10 + v)));
    const loss = (t: number) => tf.tidy(() => tf.sum(tf.mul(lsqQuantize(far, tf.scalar(t), { bits, signed: true }), w)).dataSync()[0]!);
    const fdReal = (loss(s + 1e-2) - loss(s - 1e-2)) / 2e-2;
    const gFar = tf.variableGrads(() => tf.sum(tf.mul(lsqQuantize(far, step, { bits, signed: true }), w)) as tf.Scalar, [step]);
    expect(gFar.grads[step.name]!.dataSync()[0]! / g).toBeCloseTo(fdReal, 2);
    tf.dispose([step, x, w, far, value, ...Object.values(grads), ...Object.values(gFar.grads), gFar.value]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('per-channel steps run along the last axis (or a given one) and get per-channel gradients', () => {
    const rng = createRng(3);
    const xs = normalArray(rng, 2 * 3 * 4);
    const before = tf.memory().numTensors;
    const x = tf.tensor3d(xs, [2, 3, 4]);
    const steps = [0.1, 0.2, 0.3, 0.4];
    const step = tf.tidy(() => tf.variable(tf.tensor1d(steps)));
    const q = lsqQuantize(x, step, { bits: 4, signed: true });
    const qd = q.dataSync();
    for (let i = 0; i < xs.length; i++) {
      const s = steps[i % 4]!;
      expect(qd[i]).toBeCloseTo(Math.min(7, Math.max(-8, roundHalfEven(Math.fround(xs[i]! / s)))) * s, 5);
    }
    const { value, grads } = tf.variableGrads(() => tf.sum(lsqQuantize(x, step, { bits: 4, signed: true })) as tf.Scalar, [step]);
    expect(grads[step.name]!.shape).toEqual([4]);
    const step1 = tf.tidy(() => tf.variable(tf.tensor1d([0.1, 0.2, 0.3])));
    const q1 = lsqQuantize(x, step1, { bits: 4, signed: true, axis: 1 });
    expect(q1.dataSync()[4]).toBeCloseTo(Math.min(7, Math.max(-8, roundHalfEven(Math.fround(xs[4]! / 0.2)))) * 0.2, 5);
    tf.dispose([x, step, q, value, step1, q1, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad bits and mismatched steps with one-line messages', () => {
    const before = tf.memory().numTensors;
    const x = tf.zeros([2, 3]);
    const s = tf.ones([2]);
    expect(() => lsqQuantize(x, tf.scalar(1), { bits: 12, signed: true })).toThrow('lsqQuantize: bits must be 2–8, got 12');
    expect(() => lsqQuantize(x, s, { bits: 4, signed: true })).toThrow(/step has shape \[2\], expected \[\] or \[3\]/);
    tf.dispose([x, s]);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 2);
  });
});
