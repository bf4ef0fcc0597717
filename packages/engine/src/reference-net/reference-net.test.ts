import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../index';
import { benchmarkReferenceNet } from './benchmark-reference-net';
import { createReferenceNet } from './reference-net';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', threads: 1 });
});

describe('reference net on wasm', () => {
  it('trains end to end: the loss on a fixed batch falls, and nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const result = await benchmarkReferenceNet({ batch: 16, mode: 'train', repeats: 6, warmup: 0, learningRate: 0.05 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.backend).toBe('wasm');
    expect(result.losses).toHaveLength(6);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.losses[5]!).toBeLessThan(result.losses[0]! * 0.9);
  });

  it('folded inference matches the training-mode graph in eval statistics', () => {
    tf.tidy(() => {
      const net = createReferenceNet(3);
      const x = tf.randomNormal([4, 32, 32, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
      const logits = net.trainLogits(x); // one step of running statistics
      expect(logits.shape).toEqual([4, 10]);
      const inference = net.foldForInference();
      const folded = inference.logits(x);
      expect(folded.shape).toEqual([4, 10]);
      expect(Array.from(folded.dataSync()).every(Number.isFinite)).toBe(true);
      inference.dispose();
      net.dispose();
    });
  });
});
