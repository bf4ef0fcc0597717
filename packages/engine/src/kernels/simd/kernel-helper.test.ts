import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTrain, initEngine, tf, wasmThreadsInUse } from '../../index';

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
