import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { InvalidQuantOptionError } from '../errors';
import { sqHybridWeight } from './sq-hybrid';

describe.each(['cpu', 'wasm'] as const)('sqHybridWeight on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it('takes the quantized filters from q and the others from w, exactly', () => {
    const out = tf.tidy(() => {
      const w = tf.tensor2d([[0.11, 0.22, 0.33], [0.44, 0.55, 0.66]]);
      const q = tf.tensor2d([[0, 0.25, 0.25], [0.5, 0.5, 0.75]]);
      return Array.from(sqHybridWeight(w, q, [1, 0, 1], 1).dataSync());
    });
    expect(out).toEqual(Array.from(Float32Array.of(0, 0.22, 0.25, 0.5, 0.55, 0.75)));
  });

  it('gradient: mask·dy to the quantized path, (1 - mask)·dy to w', () => {
    const dy = [1, -2, 3, 0.5];
    const before = tf.memory().numTensors;
    const [gw, gq] = tf.tidy(() => {
      const f = (w: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(sqHybridWeight(w, q, [0, 1], 0), tf.tensor2d(dy, [2, 2])));
      return tf.grads(f)([tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([0, 0, 0, 0], [2, 2])]).map((g) => Array.from(g.dataSync(), (v) => v + 0)); // + 0: -0 → 0
    });
    expect(gw).toEqual([1, -2, 0, 0]);
    expect(gq).toEqual([0, 0, 3, 0.5]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a mask that does not match the filters', () => {
    tf.tidy(() => {
      const w = tf.zeros([2, 3]);
      expect(() => sqHybridWeight(w, w, [1, 0], 1)).toThrow(InvalidQuantOptionError);
      expect(() => sqHybridWeight(w, tf.zeros([3, 2]), [1, 0, 1], 1)).toThrow(/shape/);
    });
  });
});
