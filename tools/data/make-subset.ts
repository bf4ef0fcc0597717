/**
 * Regenerates the balanced Fashion-MNIST subset shipped in
 * packages/data/assets/fashion-mnist-subset (600 train + 100 test images per
 * class, gzip IDX) from the full set, so everything runs offline at once.
 *
 *   npx tsx tools/data/make-subset.ts [--from /usr/share/datasets/fashion-mnist] [--out packages/data/assets/fashion-mnist-subset]
 *
 * The choice depends only on SUBSET_SEED and the source labels, and gzip output
 * carries no timestamp, so rerunning on the same source rewrites identical bytes.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  SUBSET_DATASET_DIR,
  SYSTEM_DATASET_DIR,
  loadIdxDataset,
  resolveFashionMnist,
  selectBalanced,
  takeItems,
  writeIdxFile,
  type SplitName,
} from '@oqat/data';
import { createRng, derive } from '@oqat/core';

export const SUBSET_SEED = 20170828; // Fashion-MNIST's release date; any fixed value would do.
export const SUBSET_PER_CLASS: Readonly<Record<SplitName, number>> = { train: 600, test: 100 };

const { values } = parseArgs({
  options: { from: { type: 'string', default: SYSTEM_DATASET_DIR }, out: { type: 'string', default: SUBSET_DATASET_DIR } },
});
const source = resolveFashionMnist({ env: { OQAT_DATA: resolve(values.from!) } });
const outDir = resolve(values.out!);

for (const split of ['train', 'test'] as const) {
  const full = await loadIdxDataset(source.files[split], FASHION_MNIST_CLASSES);
  const rng = createRng(derive(SUBSET_SEED, 'subset', split));
  const picked = takeItems(full, selectBalanced(full.labels, FASHION_MNIST_CLASSES.length, SUBSET_PER_CLASS[split], rng));
  const names = FASHION_MNIST_FILES[split];
  await writeIdxFile(join(outDir, `${names.images}.gz`), [picked.count, picked.height, picked.width], picked.images);
  await writeIdxFile(join(outDir, `${names.labels}.gz`), [picked.count], picked.labels);
  process.stdout.write(`${split}: ${picked.count} of ${full.count} items from ${source.dir} -> ${outDir}\n`);
}
