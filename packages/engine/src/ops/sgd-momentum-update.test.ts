import { createRng } from '@oqat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../index';
import { sgdMomentumUpdate, type SgdMomentumOptions } from './sgd-momentum-update';

/** The update as separate tf ops, in the order of @oqat/search's SgdNesterov (the reference). */
function referenceUpdate(w: tf.Tensor, v: tf.Tensor, grad: tf.Tensor, lr: number, mu: number, o: Required<SgdMomentumOptions>): tf.Tensor[] {
  const g0 = o.gradScale === 1 ? grad : tf.mul(grad, o.gradScale);
  const g = o.weightDecay !== 0 ? tf.add(g0, tf.mul(w, o.weightDecay)) : g0;
  const velocity = tf.add(tf.mul(v, mu), g);
  const next = tf.sub(w, tf.mul(o.nesterov ? tf.add(g, tf.mul(velocity, mu)) : velocity, lr));
  return [o.bounded ? tf.minimum(tf.maximum(next, tf.mul(w, 0.5)), tf.mul(w, 2)) : next, velocity];
}

const OPTIONS: Array<Required<SgdMomentumOptions>> = [
  { nesterov: true, weightDecay: 4e-5, gradScale: 1, bounded: false },
  { nesterov: true, weightDecay: 0, gradScale: 0.37, bounded: true },
  { nesterov: false, weightDecay: 1e-3, gradScale: 2.5, bounded: true },
];

beforeAll(async () => {
  await initEngine({ backend: 'wasm', threads: 1 });
  await initEngine({ backend: 'cpu' }); // registers the cpu kernel too
});

describe.each(['cpu', 'wasm'] as const)('sgdMomentumUpdate on %s', (backend) => {
  it('computes v = m*v + g and w = w - lr*v, leaving its inputs intact', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      // 7 values: one 4-wide SIMD block and a scalar tail.
      const w = tf.tensor1d([1, 2, 3, 4, 5, 6, 7]);
      const v = tf.tensor1d([0.5, 0, -1, 2, 0, 1, 3]);
      const g = tf.tensor1d([1, 1, 1, 1, -2, 0, 0.5]);
      const next = sgdMomentumUpdate(w, v, g, 0.1, 0.9);
      const expectedV = [1.45, 1, 0.1, 2.8, -2, 0.9, 3.2];
      const expectedW = expectedV.map((x, i) => i + 1 - 0.1 * x);
      Array.from(next.velocity.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expectedV[i]!, 5));
      Array.from(next.variable.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expectedW[i]!, 5));
      expect(Array.from(w.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(OPTIONS)('matches the tf-op update bit for bit with %j (odd size)', async (options) => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const rng = createRng(11).next;
      const values = (scale: number) => tf.tensor2d(Float32Array.from({ length: 37 * 3 }, () => (rng() * 2 - 1) * scale), [37, 3]);
      // Positive weights (as step sizes are) with large steps, so that the bound is hit.
      const [w, v, g] = [tf.abs(values(1)), values(1), values(200)];
      const next = sgdMomentumUpdate(w, v, g, 0.05, 0.9, options);
      const [expectedW, expectedV] = referenceUpdate(w, v, g, 0.05, 0.9, options);
      expect(next.velocity.dataSync()).toEqual(expectedV!.dataSync());
      expect(next.variable.dataSync()).toEqual(expectedW!.dataSync());
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched shapes with the shapes in the message', async () => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      expect(() => sgdMomentumUpdate(tf.zeros([2]), tf.zeros([2]), tf.zeros([3]), 0.1, 0.9)).toThrow(/\[2\], \[2\] and \[3\]/);
    });
  });
});
