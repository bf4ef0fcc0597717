import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { normalArray, testRng } from '../test-rng';
import { foldBatchNorm } from './fold-batch-norm';

describe('foldBatchNorm', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('conv + bias + batch norm equals the folded conv + bias (conv and depthwise layouts)', () => {
    const before = tf.memory().numTensors;
    const rng = testRng(51);
    const x = tf.tensor4d(normalArray(rng, 2 * 6 * 6 * 3), [2, 6, 6, 3]);
    for (const depthwise of [false, true]) {
      const shape: [number, number, number, number] = depthwise ? [3, 3, 3, 2] : [3, 3, 3, 5];
      const c = depthwise ? 6 : 5;
      const kernel = normalArray(rng, shape.reduce((a, b) => a * b));
      const bias = normalArray(rng, c);
      const bn = {
        gamma: normalArray(rng, c),
        beta: normalArray(rng, c),
        movingMean: normalArray(rng, c),
        movingVariance: Float32Array.from(normalArray(rng, c), (v) => v * v + 0.1),
        epsilon: 1e-3,
      };
      const folded = foldBatchNorm(kernel, bias, bn);
      const diff = tf.tidy(() => {
        const conv = (k: Float32Array) =>
          depthwise ? tf.depthwiseConv2d(x, tf.tensor4d(k, shape), 1, 'same') : tf.conv2d(x, tf.tensor4d(k, shape), 1, 'same');
        const ref = tf.batchNorm(tf.add(conv(kernel), bias), bn.movingMean, bn.movingVariance, bn.beta, bn.gamma, bn.epsilon);
        return tf.max(tf.abs(tf.sub(ref, tf.add(conv(folded.kernel), folded.bias))));
      });
      expect(diff.dataSync()[0]).toBeLessThan(1e-4);
      diff.dispose();
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('works without a bias and names mismatched lengths', () => {
    const f = foldBatchNorm([1, 2], undefined, { gamma: [2, 2], beta: [1, 0], movingMean: [1, 1], movingVariance: [0, 0], epsilon: 1 });
    expect(Array.from(f.kernel)).toEqual([2, 4]);
    expect(Array.from(f.bias)).toEqual([-1, -2]);
    expect(() => foldBatchNorm([1, 2, 3], undefined, { gamma: [1, 1], beta: [0, 0], movingMean: [0, 0], movingVariance: [1, 1], epsilon: 0 })).toThrow(
      'foldBatchNorm: kernel length must be a multiple of the 2 batch-norm channels, got 3',
    );
    expect(() => foldBatchNorm([1, 2], [0], { gamma: [1, 1], beta: [0, 0], movingMean: [0, 0], movingVariance: [1, 1], epsilon: 0 })).toThrow(
      'foldBatchNorm: bias has 1 elements, expected 2',
    );
  });
});
