import { describe, expect, it } from 'vitest';
import { InvalidDataOptionError } from '../errors';
import type { ImageDataset } from '../types';
import { splitValidation } from './split-validation';

const dataset: ImageDataset = {
  images: Uint8Array.from({ length: 200 * 4 }, (_, i) => Math.floor(i / 4) % 256),
  labels: Uint8Array.from({ length: 200 }, (_, i) => i % 4),
  count: 200,
  height: 2,
  width: 2,
  channels: 1,
  classNames: ['a', 'b', 'c', 'd'],
};

describe('splitValidation', () => {
  it('splits per class, without overlap, the same for a seed', () => {
    const { train, validation } = splitValidation(dataset, { seed: 3, fraction: 0.2 });
    expect([train.count, validation.count]).toEqual([160, 40]);
    for (let c = 0; c < 4; c++) expect(validation.labels.filter((l) => l === c).length).toBe(10);
    // Each item's first pixel is its index (mod 256 — all < 200 here), so the parts can be compared.
    const ids = (d: ImageDataset) => Array.from({ length: d.count }, (_, i) => d.images[i * 4]!);
    const all = new Set([...ids(train), ...ids(validation)]);
    expect(all.size).toBe(200);
    expect(ids(splitValidation(dataset, { seed: 3, fraction: 0.2 }).validation)).toEqual(ids(validation));
    expect(ids(splitValidation(dataset, { seed: 4, fraction: 0.2 }).validation)).not.toEqual(ids(validation));
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => splitValidation(dataset, { seed: 1, fraction: 1 })).toThrow(InvalidDataOptionError);
  });
});
