import { describe, expect, it } from 'vitest';
import { InvalidDataOptionError } from '../errors';
import type { ImageDataset } from '../types';
import { loadFashionMnist } from './load-fashion-mnist';
import { makeSegmentationScenes } from './segmentation-scenes';

describe('makeSegmentationScenes', async () => {
  const { train } = await loadFashionMnist({ source: 'subset' });
  const options = { count: 40, seed: 11 };
  const scenes = makeSegmentationScenes(train, options);

  it('builds 64x64 scenes with 11 mask classes', () => {
    expect([scenes.count, scenes.height, scenes.width, scenes.channels]).toEqual([40, 64, 64, 1]);
    expect(scenes.classNames).toEqual(['background', ...train.classNames]);
    expect(scenes.masks.reduce((a, b) => Math.max(a, b), 0)).toBe(10);
  });

  it('labels exactly the pixels where an item was drawn', () => {
    let mismatched = 0;
    let labelled = 0;
    for (let p = 0; p < scenes.masks.length; p++) {
      if ((scenes.masks[p] !== 0) !== scenes.images[p]! > 24) mismatched++;
      if (scenes.masks[p] !== 0) labelled++;
    }
    expect(mismatched).toBe(0);
    expect(labelled).toBeGreaterThan(scenes.masks.length / 20);
    // Every scene holds 1 to 4 distinct item classes and some background.
    for (let s = 0; s < scenes.count; s++) {
      const mask = scenes.masks.subarray(s * 4096, (s + 1) * 4096);
      const classes = new Set(mask.filter((v) => v > 0));
      expect(classes.size).toBeGreaterThanOrEqual(1);
      expect(classes.size).toBeLessThanOrEqual(4);
      expect(mask.includes(0)).toBe(true);
    }
  });

  it('puts the labelled class of each single-item scene where that item lies', () => {
    // With one item per scene, the foreground is one item; its pixels match the
    // source image of that class somewhere on the canvas.
    const tiny: ImageDataset = {
      images: Uint8Array.from({ length: 2 * 4 }, (_, i) => (i < 4 ? 200 : 100)),
      labels: new Uint8Array([3, 5]),
      count: 2,
      height: 2,
      width: 2,
      channels: 1,
      classNames: ['0', '1', '2', '3', '4', '5'],
    };
    const single = makeSegmentationScenes(tiny, { count: 20, seed: 2, canvasSize: 6, minItems: 1, maxItems: 1 });
    for (let s = 0; s < single.count; s++) {
      const image = single.images.subarray(s * 36, (s + 1) * 36);
      const mask = single.masks.subarray(s * 36, (s + 1) * 36);
      expect(mask.filter((v) => v > 0).length).toBe(4);
      const value = image.find((v) => v > 0);
      expect(new Set(mask.filter((v) => v > 0))).toEqual(new Set([value === 200 ? 4 : 6]));
    }
  });

  it('is deterministic per seed, and scene i does not depend on count', () => {
    const again = makeSegmentationScenes(train, options);
    expect(Buffer.from(again.images).equals(Buffer.from(scenes.images))).toBe(true);
    expect(Buffer.from(again.masks).equals(Buffer.from(scenes.masks))).toBe(true);
    const other = makeSegmentationScenes(train, { ...options, seed: 12 });
    expect(Buffer.from(other.masks).equals(Buffer.from(scenes.masks))).toBe(false);
    const fewer = makeSegmentationScenes(train, { ...options, count: 5 });
    expect(Buffer.from(fewer.masks).equals(Buffer.from(scenes.masks.subarray(0, 5 * 4096)))).toBe(true);
  });

  it('rejects a canvas smaller than an item', () => {
    expect(() => makeSegmentationScenes(train, { count: 1, seed: 1, canvasSize: 20 })).toThrow(InvalidDataOptionError);
  });
});
