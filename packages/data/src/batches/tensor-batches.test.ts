import { initEngine, tf } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFashionMnist } from '../datasets/load-fashion-mnist';
import { makeSegmentationScenes } from '../datasets/segmentation-scenes';
import { floatBatches } from './image-batches';
import { segmentationTensorBatches, tensorBatches } from './tensor-batches';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

describe('tensor batches', async () => {
  const { test: dataset } = await loadFashionMnist({ source: 'subset' });

  it('yields float32 [N,H,W,1] images and int32 [N] labels equal to the float path, without leaks', () => {
    const before = tf.memory().numTensors;
    const options = { batchSize: 128, seed: 5, resolution: 32, augment: true } as const;
    const floats = Array.from(floatBatches(dataset, options));
    let i = 0;
    for (const batch of tensorBatches(dataset, options)) {
      expect(batch.images.shape).toEqual([batch.size, 32, 32, 1]);
      expect(batch.images.dtype).toBe('float32');
      expect(batch.labels.shape).toEqual([batch.size]);
      expect(batch.labels.dtype).toBe('int32');
      expect(Array.from(batch.labels.dataSync())).toEqual(Array.from(floats[i]!.labels));
      const pixels = batch.images.dataSync() as Float32Array;
      expect(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength).equals(Buffer.from(floats[i]!.images.buffer))).toBe(true);
      tf.dispose([batch.images, batch.labels]);
      i++;
    }
    expect(i).toBe(8);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('yields segmentation batches with int32 masks, without leaks', () => {
    const scenes = makeSegmentationScenes(dataset, { count: 10, seed: 3 });
    const before = tf.memory().numTensors;
    for (const batch of segmentationTensorBatches(scenes, { batchSize: 4, seed: 1 })) {
      expect(batch.images.shape).toEqual([batch.size, 64, 64, 1]);
      expect(batch.masks.shape).toEqual([batch.size, 64, 64]);
      expect(batch.masks.dtype).toBe('int32');
      tf.dispose([batch.images, batch.masks]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
