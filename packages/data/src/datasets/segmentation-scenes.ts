import { InvalidDataOptionError } from '../errors';
import { createRng, derive } from '@oqat/core';
import type { ImageDataset, SegmentationDataset } from '../types';

export interface SceneOptions {
  readonly count: number;
  readonly seed: number;
  /** Canvas side in pixels; default 64. */
  readonly canvasSize?: number;
  /** Items per scene, drawn uniformly in [minItems, maxItems]; default 1..4. */
  readonly minItems?: number;
  readonly maxItems?: number;
  /** An item pixel brighter than this is foreground (drawn and labelled); default 24. */
  readonly threshold?: number;
}

/**
 * Segmentation scenes built from a classification dataset: 1–4 items pasted
 * at random places on a black canvas, later items over earlier ones. The mask
 * is 0 for background and class + 1 where an item's foreground pixel was drawn,
 * so mask ≠ 0 exactly where the image is brighter than the threshold.
 * Scene i depends only on (seed, i), not on count: asking for more scenes
 * extends the set without changing the first ones. Build train scenes from the
 * train split and test scenes from the test split.
 */
export function makeSegmentationScenes(source: ImageDataset, options: SceneOptions): SegmentationDataset {
  const canvas = options.canvasSize ?? 64;
  const minItems = options.minItems ?? 1;
  const maxItems = options.maxItems ?? 4;
  const threshold = options.threshold ?? 24;
  const op = 'makeSegmentationScenes';
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new InvalidDataOptionError(op, 'count', options.count, 'a non-negative integer');
  }
  if (!Number.isInteger(canvas) || canvas < Math.max(source.height, source.width)) {
    throw new InvalidDataOptionError(op, 'canvasSize', canvas, `an integer ≥ the item size ${source.height}x${source.width}`);
  }
  if (!Number.isInteger(minItems) || minItems < 1 || !Number.isInteger(maxItems) || maxItems < minItems) {
    throw new InvalidDataOptionError(op, 'minItems..maxItems', `${minItems}..${maxItems}`, 'integers with 1 ≤ minItems ≤ maxItems');
  }
  if (source.count === 0) throw new InvalidDataOptionError(op, 'source.count', 0, 'at least 1 item');

  const { height: h, width: w, channels } = source;
  const pixels = canvas * canvas;
  const images = new Uint8Array(options.count * pixels * channels);
  const masks = new Uint8Array(options.count * pixels);
  for (let s = 0; s < options.count; s++) {
    const rng = createRng(derive(options.seed, 'scene', s));
    const items = minItems + rng.int(maxItems - minItems + 1);
    const imageBase = s * pixels * channels;
    const maskBase = s * pixels;
    for (let k = 0; k < items; k++) {
      const item = rng.int(source.count);
      const top = rng.int(canvas - h + 1);
      const left = rng.int(canvas - w + 1);
      const value = source.labels[item]! + 1;
      const itemBase = item * h * w * channels;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const from = itemBase + (y * w + x) * channels;
          let brightest = 0;
          for (let c = 0; c < channels; c++) brightest = Math.max(brightest, source.images[from + c]!);
          if (brightest <= threshold) continue;
          const p = (top + y) * canvas + left + x;
          for (let c = 0; c < channels; c++) images[imageBase + p * channels + c] = source.images[from + c]!;
          masks[maskBase + p] = value;
        }
      }
    }
  }
  return {
    images,
    masks,
    count: options.count,
    height: canvas,
    width: canvas,
    channels,
    classNames: ['background', ...source.classNames],
  };
}
