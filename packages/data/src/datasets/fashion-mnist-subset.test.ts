import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng, derive } from '@oqat/core';
import { describeDataset, formatDatasetDescription } from './describe-dataset';
import { FASHION_MNIST_CLASSES } from './fashion-mnist-files';
import { loadFashionMnist } from './load-fashion-mnist';
import { SYSTEM_DATASET_DIR } from './resolve-fashion-mnist';
import { selectBalanced } from './select-balanced';
import { takeItems } from './take-items';

// Must match tools/data/make-subset.ts, which wrote the shipped files.
const SUBSET_SEED = 20170828;
const PER_CLASS = { train: 600, test: 100 } as const;

describe('shipped Fashion-MNIST subset', () => {
  it('is balanced: 600 train and 100 test items per class', async () => {
    const { train, test, location } = await loadFashionMnist({ source: 'subset' });
    expect(location.kind).toBe('subset');
    expect([train.count, test.count]).toEqual([6000, 1000]);
    expect([train.height, train.width, train.channels]).toEqual([28, 28, 1]);
    const perClass = (labels: Uint8Array) => FASHION_MNIST_CLASSES.map((_, c) => labels.filter((l) => l === c).length);
    expect(perClass(train.labels)).toEqual(new Array(10).fill(600));
    expect(perClass(test.labels)).toEqual(new Array(10).fill(100));
  });

  it('is described without loading the images', async () => {
    const description = await describeDataset({ source: 'subset' });
    expect(description.kind).toBe('subset');
    expect(description.splits.train.perClass).toEqual(new Array(10).fill(600));
    expect(description.splits.test.count).toBe(1000);
    const text = formatDatasetDescription(description);
    expect(text).toContain('balanced subset shipped in the repo');
    expect(text).toMatch(/9 Ankle boot\s+600\s+100/);
  });

  it.skipIf(!existsSync(join(SYSTEM_DATASET_DIR, 'train-labels-idx1-ubyte.gz')))(
    'is reproduced from the full set by the fixed seed',
    async () => {
      const full = await loadFashionMnist({ source: 'full', env: {}, systemDir: SYSTEM_DATASET_DIR });
      const shipped = await loadFashionMnist({ source: 'subset' });
      for (const split of ['train', 'test'] as const) {
        const rng = createRng(derive(SUBSET_SEED, 'subset', split));
        const again = takeItems(full[split], selectBalanced(full[split].labels, 10, PER_CLASS[split], rng));
        expect(Buffer.from(again.labels).equals(Buffer.from(shipped[split].labels))).toBe(true);
        expect(Buffer.from(again.images).equals(Buffer.from(shipped[split].images))).toBe(true);
      }
      const description = await describeDataset({ env: {}, systemDir: SYSTEM_DATASET_DIR });
      expect(description.kind).toBe('system');
      expect(description.splits.train.count).toBe(60000);
      expect(description.splits.test.perClass).toEqual(new Array(10).fill(1000));
    },
  );
});
