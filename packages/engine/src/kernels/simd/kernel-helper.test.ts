import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTrain, initEngine, lsqFakeQuantize, LsqFakeQuantizeGrad, tf, wasmThreadsInUse } from '../../index';
import { lsqFakeQuantizeForward } from '../composite/lsq-fake-quantize';
import { lsqFakeQuantizeGradOps } from '../composite/lsq-fake-quantize-grad';
import { relativeError } from '../wasm/kernel-test-support';

// Its own test file, hence its own process: the threaded wasm backend, whose
// shared memory lets our SIMD kernels hand half of each call to a helper thread.
beforeAll(async () => {
  await initEngine({ backend: 'wasm', threads: 2 });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SIMD kernel helper thread', () => {
  it('gives the same batch statistics on every back-to-back call', async () => {
    expect(wasmThreadsInUse()).toBe(2);
    const x = tf.randomNormal([64, 32, 32, 16], 0, 1, 'float32', 1) as tf.Tensor4D;
    const scale = tf.ones([16]) as tf.Tensor1D;
    const offset = tf.zeros([16]) as tf.Tensor1D;
    const expected = Array.from(tf.tidy(() => tf.mean(x, [0, 1, 2])).dataSync());
    const means: number[][] = [];
    for (let i = 0; i < 30; i++) {
      const { y, mean, variance } = batchNormTrain(x, scale, offset, { relu: true });
      means.push(Array.from(mean.dataSync()));
      tf.dispose([y, mean, variance]);
      if (i === 0) await sleep(300); // the helper thread is up from here on
    }
    for (const m of means) m.forEach((v, c) => expect(v).toBeCloseTo(expected[c]!, 5));
    expect(new Set(means.slice(1).map((m) => m.join())).size).toBe(1);
    tf.dispose([x, scale, offset]);
  });
});

describe('LSQ fake quantizer split over the helper thread', () => {
  // 106590 values: enough to split, and a tail after the SIMD rows.
  it.each([[[]], [[10]]])('matches the composite ops with step shape %j', async (stepShape) => {
    const x = tf.randomNormal([33, 17, 19, 10], 0, 2, 'float32', 2);
    const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 3);
    const step = tf.tidy(() => tf.add(tf.mul(tf.randomUniform(stepShape, 0, 1, 'float32', 4), 0.3), 0.1));
    const attrs = { qn: 8, qp: 7, gradScale: 0.01 };
    const ours = () => {
      const [dx, dStep] = tf.engine().runKernel(LsqFakeQuantizeGrad, { dy, x, step }, attrs) as tf.Tensor[];
      return [lsqFakeQuantize(x, step, attrs), dx!, dStep!].map((t) => t.dataSync() as Float32Array);
    };
    tf.tidy(ours);
    await sleep(300); // the helper thread is up from here on
    const actual = tf.tidy(ours);
    const expected = tf.tidy(() => [lsqFakeQuantizeForward(x, step, attrs), ...lsqFakeQuantizeGradOps(dy, x, step, attrs)].map((t) => t.dataSync() as Float32Array));
    actual.forEach((values, i) => expect(relativeError(values, expected[i]!)).toBeLessThan(1e-5));
    tf.dispose([x, dy, step]);
  });
});
