import { initEngine, tf } from '@oqat/engine';
import { largestSubnet } from '@oqat/latency';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAIN } from '../forward-context';
import { MobileNetV3Supernet } from '../networks/mobilenet-v3';
import { TINY_SPACE as space } from '../tiny-space';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

describe('sortExpandChannels', () => {
  it('orders middle channels by L1 importance without changing the largest subnet', () => {
    const net = new MobileNetV3Supernet(space, { seed: 9 });
    const images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1);
    net.setActive(largestSubnet(space, 32));
    const before = tf.tidy(() => net.forward(images, TRAIN).dataSync() as Float32Array);
    const tensors = tf.memory().numTensors;
    net.sortChannels();
    expect(tf.memory().numTensors).toBe(tensors);
    const after = tf.tidy(() => net.forward(images, TRAIN).dataSync() as Float32Array);
    after.forEach((v, i) => expect(v).toBeCloseTo(before[i]!, 4));
    for (const block of net.stages.flat()) {
      const importance = tf.tidy(() => Array.from(tf.sum(tf.abs(block.projectConv.weight), [0, 1, 3]).dataSync()));
      for (let i = 1; i < importance.length; i++) expect(importance[i]!).toBeLessThanOrEqual(importance[i - 1]!);
    }
    images.dispose();
    net.dispose();
  });
});
