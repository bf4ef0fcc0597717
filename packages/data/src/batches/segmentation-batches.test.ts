import { describe, expect, it } from 'vitest';
import { loadFashionMnist } from '../datasets/load-fashion-mnist';
import { makeSegmentationScenes } from '../datasets/segmentation-scenes';
import { floatSegmentationBatches } from './segmentation-batches';

describe('floatSegmentationBatches', async () => {
  const { test } = await loadFashionMnist({ source: 'subset' });
  const scenes = makeSegmentationScenes(test, { count: 24, seed: 9 });

  it('moves image and mask together under pad-and-crop and flip', () => {
    const batches = Array.from(floatSegmentationBatches(scenes, { batchSize: 8, seed: 4, augment: { padCrop: 6, flip: true } }));
    expect(batches.length).toBe(3);
    let mismatched = 0;
    let changed = 0;
    for (const batch of batches) {
      for (let p = 0; p < batch.masks.length; p++) {
        if ((batch.masks[p] !== 0) !== batch.images[p]! > 24 / 255) mismatched++;
      }
      batch.indices.forEach((index, i) => {
        const original = scenes.masks.subarray(index * 4096, (index + 1) * 4096);
        if (batch.masks.subarray(i * 4096, (i + 1) * 4096).some((v, p) => v !== original[p])) changed++;
      });
    }
    expect(mismatched).toBe(0);
    expect(changed).toBeGreaterThan(12);
  });

  it('repeats for a seed', () => {
    const run = () => Array.from(floatSegmentationBatches(scenes, { batchSize: 8, seed: 4, augment: true }), (b) => Array.from(b.masks).join());
    expect(run()).toEqual(run());
  });
});
