/**
 * Writes Fashion-MNIST out as an image folder, as a user's own data would be
 * laid out: <out>/train/<NN-class>/<index>.png and <out>/test/… (grey PNG, or
 * JPEG with --format jpeg), from the same IDX files `oqat train --dataset`
 * reads, so a run on the folder and a run on the IDX files see the same images
 * (docs/benchmarks-data.md).
 *
 *   npx tsx tools/data/write-image-folder.ts --out /tmp/fmnist-png [--source subset|full] [--format png|jpeg] [--limit-train N] [--limit-test N]
 *
 * Class folders are named "<id>-<name>" so that their sorted order is
 * Fashion-MNIST's class ids; the file name is the item's index in its IDX split.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadFashionMnist, type DatasetRequest, type ImageDataset } from '@oqat/data';
import { encodeImage, type ImageFormat } from '@oqat/data/testing';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    source: { type: 'string', default: 'subset' },
    format: { type: 'string', default: 'png' },
    'limit-train': { type: 'string', default: '0' },
    'limit-test': { type: 'string', default: '0' },
  },
});
if (!values.out) throw new Error('--out FOLDER is required');
const format = values.format as ImageFormat;
const outDir = resolve(values.out);
const data = await loadFashionMnist({ source: values.source as DatasetRequest });
const folderName = (d: ImageDataset, c: number): string => `${String(c).padStart(2, '0')}-${d.classNames[c]!.replace(/[^A-Za-z0-9]+/g, '-')}`;

for (const [split, limit] of [['train', Number(values['limit-train'])], ['test', Number(values['limit-test'])]] as const) {
  const d = data[split];
  const count = limit > 0 ? Math.min(limit, d.count) : d.count;
  const pixels = d.height * d.width * d.channels;
  for (let c = 0; c < d.classNames.length; c++) await mkdir(join(outDir, split, folderName(d, c)), { recursive: true });
  for (let i = 0; i < count; i++) {
    const file = join(outDir, split, folderName(d, d.labels[i]!), `${String(i).padStart(5, '0')}.${format === 'jpeg' ? 'jpg' : 'png'}`);
    await writeFile(file, encodeImage(format, d.width, d.height, d.channels as 1 | 3, d.images.subarray(i * pixels, (i + 1) * pixels)));
  }
  process.stdout.write(`${split}: ${count} ${format} images of ${data.location.dir} -> ${join(outDir, split)}\n`);
}
