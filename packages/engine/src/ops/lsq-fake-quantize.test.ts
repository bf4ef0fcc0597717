import { createRng } from '@oqat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../index';
import { relativeError } from '../kernels/wasm/kernel-test-support';
import { lsqFakeQuantize } from './lsq-fake-quantize';

interface Case {
  name: string;
  xShape: number[];
  /** [] or [1]: per tensor; else one step per channel of the last axis. */
  steps: number[];
  stepShape: number[];
}

// Odd sizes (not multiples of 4, with and without a tail after the SIMD rows),
// power-of-two steps (x/s exact, so half-levels are exact ties) and others.
const CASES: Case[] = [
  { name: 'per tensor, scalar step, 105 values', xShape: [3, 5, 7], steps: [0.25], stepShape: [] },
  { name: 'per tensor, [1] step, 1 value', xShape: [1], steps: [0.37], stepShape: [1] },
  { name: 'per tensor, scalar step, 2*7*9*13 values', xShape: [2, 7, 9, 13], steps: [0.125], stepShape: [] },
  { name: 'per channel, C=3', xShape: [5, 7, 3], steps: [0.25, 0.41, 0.5], stepShape: [3] },
  { name: 'per channel, C=20', xShape: [3, 5, 5, 20], steps: [], stepShape: [20] },
  { name: 'per channel, C=67', xShape: [2, 3, 67], steps: [], stepShape: [67] },
];

const BITS = [2, 3, 4, 8] as const;

/** x values mixing random ones, exact half-levels, the range's ends and values beyond them. */
function xValues(count: number, steps: number[], qn: number, qp: number, rng: () => number): Float32Array {
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const s = steps[i % steps.length]!;
    const level = Math.floor(rng() * (qn + qp + 5)) - qn - 2; // includes 2 levels beyond each end
    const kind = i % 4;
    x[i] = kind === 0 ? (level + 0.5) * s : kind === 1 ? (rng() * 2 - 1) * (qn + qp + 2) * s : kind === 2 ? level * s : (i % 8 === 2 ? -qn : qp) * s;
  }
  return x;
}

/** q, dx and dStep of sum(lsqFakeQuantize(x, step) * w) on the current backend. */
function run(c: Case, bits: number, signed: boolean) {
  const qn = signed ? 2 ** (bits - 1) : 0;
  const qp = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const rng = createRng(bits * 100 + (signed ? 1 : 0) + c.xShape.length).next;
  const channels = c.stepShape[0] ?? 1;
  const steps = c.steps.length ? c.steps : Array.from({ length: channels }, () => 0.05 + rng());
  const count = c.xShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(xValues(count, steps, qn, qp, rng), c.xShape);
  const w = tf.tensor(Float32Array.from({ length: count }, () => rng() * 2 - 1), c.xShape);
  const step = tf.tensor(steps, c.stepShape);
  const options = { qn, qp, gradScale: 1 / Math.sqrt((count / channels) * qp) };
  const q = lsqFakeQuantize(x, step, options);
  const f = (xv: tf.Tensor, sv: tf.Tensor) => tf.sum(tf.mul(lsqFakeQuantize(xv, sv, options), w)) as tf.Scalar;
  const { grads } = tf.valueAndGrads(f)([x, step]);
  expect(grads[1]!.shape).toEqual(c.stepShape);
  // + 0 turns -0 into 0: the backends may differ in the sign of a zero.
  return [q, ...grads].map((t) => Float32Array.from(t.dataSync(), (v) => v + 0));
}

beforeAll(async () => {
  await initEngine({ backend: 'wasm', threads: 1 });
  await tf.setBackend('cpu');
  await initEngine({ backend: 'cpu' }); // registers the op's cpu kernels too
});

describe('lsqFakeQuantize', () => {
  describe.each(CASES)('$name', (c) => {
    it.each(BITS.flatMap((bits) => [[bits, true] as const, [bits, false] as const]))(
      'on wasm matches cpu at %i bits, signed=%s',
      async (bits, signed) => {
        await tf.setBackend('cpu');
        const [q, dx, dStep] = tf.tidy(() => run(c, bits, signed));
        await tf.setBackend('wasm');
        const before = tf.memory().numTensors;
        const [wq, wdx, wdStep] = tf.tidy(() => run(c, bits, signed));
        expect(tf.memory().numTensors).toBe(before);
        // Same arithmetic in the same order: q and dx agree exactly.
        expect(wq).toEqual(q);
        expect(wdx).toEqual(dx);
        expect(relativeError(wdStep!, dStep!)).toBeLessThan(1e-5);
      },
    );
  });

  it.each(['cpu', 'wasm'] as const)('rounds half to even on %s, as tf.round', async (backend) => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      const x = tf.tensor1d([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5].map((v) => v * 0.25));
      const q = lsqFakeQuantize(x, tf.scalar(0.25), { qn: 8, qp: 7, gradScale: 1 });
      expect(Array.from(q.dataSync(), (v) => v / 0.25 + 0)).toEqual([0, 2, 2, 4, 0, -2, -2]);
    });
  });

  it.each(['cpu', 'wasm'] as const)('does not leak on %s, forward or backward', async (backend) => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([-3, -0.2, 0.3, 9, 1.25, 2], [2, 3]);
    const step = tf.tidy(() => tf.variable(tf.tensor1d([0.5, 0.25, 1])));
    const q = lsqFakeQuantize(x, step, { qn: 2, qp: 1, gradScale: 0.5 });
    const { value, grads } = tf.variableGrads(() => tf.sum(lsqFakeQuantize(x, step, { qn: 2, qp: 1, gradScale: 0.5 })) as tf.Scalar, [step]);
    // -3/0.5 = -6 -> -2; -0.2/0.25 -> -1 (inside); 0.3 -> 0 (inside); 9/0.5 -> 1; 1.25/0.25 = 5 -> 1; 2 -> 1.
    // dStep = 0.5 * [(-2) + 1, (-1 - -0.8) + 1, (0 - 0.3) + 1] (per channel).
    expect(Array.from(q.dataSync())).toEqual([-1, -0.25, 0, 0.5, 0.25, 1]);
    Array.from(grads[step.name]!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([-0.5, 0.4, 0.35][i]!, 6));
    tf.dispose([x, step, q, value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a step that is neither per tensor nor per channel of the last axis', () => {
    tf.tidy(() => {
      expect(() => lsqFakeQuantize(tf.zeros([2, 3]), tf.ones([2]), { qn: 8, qp: 7, gradScale: 1 })).toThrow(/\[\], \[1\] or \[3\].*got \[2\]/);
    });
  });
});
