import { createRng } from '@oqat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../index';
import { randomValues, relativeError } from '../kernels/wasm/kernel-test-support';
import { batchNormTrain } from './batch-norm-train';

const SHAPE = [4, 5, 6, 3] as const;

/** Values and gradients of sum(bn(x) * w), for our op or tfjs's moments-based reference. */
function valueAndGrads(ours: boolean, relu: boolean, seed: number) {
  const rng = createRng(seed).next;
  const x = tf.tensor4d(randomValues(4 * 5 * 6 * 3, rng).map((v) => v * 3 + 1), [...SHAPE]);
  const w = tf.tensor4d(randomValues(4 * 5 * 6 * 3, rng), [...SHAPE]);
  const scale = tf.tensor1d(randomValues(3, rng).map((v) => v + 1.5));
  const offset = tf.tensor1d(randomValues(3, rng));
  const f = (xv: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
    let y: tf.Tensor;
    if (ours) {
      y = batchNormTrain(xv as tf.Tensor4D, s as tf.Tensor1D, o as tf.Tensor1D, { epsilon: 1e-3, relu }).y;
    } else {
      const { mean, variance } = tf.moments(xv, [0, 1, 2]);
      y = tf.batchNorm(xv, mean, variance, o, s, 1e-3);
      if (relu) y = tf.relu(y);
    }
    return tf.sum(tf.mul(y, w));
  };
  const { value, grads } = tf.valueAndGrads(f as (...a: tf.Tensor[]) => tf.Scalar)([x, scale, offset]);
  return [value, ...grads].map((t) => t.dataSync() as Float32Array);
}

beforeAll(async () => {
  await initEngine({ backend: 'wasm', threads: 1 });
  await tf.setBackend('cpu');
  await initEngine({ backend: 'cpu' }); // registers the op's cpu kernel too
});

describe.each(['cpu', 'wasm'] as const)('batchNormTrain on %s', (backend) => {
  it.each([false, true])('relu=%s matches moments + batchNorm in value and gradients', async (relu) => {
    await tf.setBackend('cpu');
    const expected = tf.tidy(() => valueAndGrads(false, relu, 5));
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const actual = tf.tidy(() => valueAndGrads(true, relu, 5));
    expect(tf.memory().numTensors).toBe(before);
    actual.forEach((values, i) => expect(relativeError(values, expected[i]!)).toBeLessThan(1e-4));
  });

  it('returns the batch mean and biased variance', async () => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
      const { mean, variance } = batchNormTrain(x, tf.ones([1]) as tf.Tensor1D, tf.zeros([1]) as tf.Tensor1D);
      expect(mean.dataSync()[0]).toBeCloseTo(4.5, 5);
      expect(variance.dataSync()[0]).toBeCloseTo(5.25, 5);
    });
  });
});
