import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../index';
import { sgdMomentumUpdate } from './sgd-momentum-update';

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

  it('rejects mismatched shapes with the shapes in the message', async () => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      expect(() => sgdMomentumUpdate(tf.zeros([2]), tf.zeros([2]), tf.zeros([3]), 0.1, 0.9)).toThrow(/\[2\], \[2\] and \[3\]/);
    });
  });
});
