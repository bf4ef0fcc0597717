import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { normalArray, testRng } from '../test-rng';
import { lsqQuantize } from './lsq';

/**
 * lsqQuantize takes the engine's fused op for depthwise weights [h, w, C, 1]
 * (channels followed by 1s only) and tf ops for a channel axis followed by
 * other dims: the same values in both layouts must give the same results.
 */
describe.each(['cpu', 'wasm'] as const)('lsqQuantize layouts on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it('depthwise [h, w, C, 1] (fused) matches [h, C, w, 1] (tf ops) in value and gradients', () => {
    const rng = testRng(11);
    const before = tf.memory().numTensors;
    const [h, w, c] = [3, 3, 5];
    const x = tf.tensor4d(normalArray(rng, h * w * c, 0.6), [h, w, c, 1]);
    const dy = tf.tensor4d(normalArray(rng, h * w * c), [h, w, c, 1]);
    const step = tf.tensor1d([0.1, 0.2, 0.05, 0.3, 0.15]);
    const toOther = (t: tf.Tensor) => tf.transpose(t, [0, 2, 1, 3]);
    const options = { bits: 3, signed: true, axis: 2 };
    const loss = (layout: 'fused' | 'other') => (xv: tf.Tensor, sv: tf.Tensor) =>
      layout === 'fused'
        ? tf.sum(tf.mul(lsqQuantize(xv, sv, options), dy))
        : tf.sum(tf.mul(lsqQuantize(toOther(xv), sv, { ...options, axis: 1 }), toOther(dy)));
    const fused = tf.valueAndGrads(loss('fused'))([x, step]);
    const other = tf.valueAndGrads(loss('other'))([x, step]);
    const q = lsqQuantize(x, step, options);
    const qOther = tf.tidy(() => toOther(lsqQuantize(toOther(x), step, { ...options, axis: 1 })));
    // + 0: the paths may differ in the sign of a zero.
    const values = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);
    expect(values(q)).toEqual(values(qOther));
    expect(values(fused.grads[0]!)).toEqual(values(other.grads[0]!));
    const ds = other.grads[1]!.dataSync();
    fused.grads[1]!.dataSync().forEach((v, i) => expect(v).toBeCloseTo(ds[i]!, 5));
    tf.dispose([x, dy, step, q, qOther, fused.value, other.value, ...fused.grads, ...other.grads]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
