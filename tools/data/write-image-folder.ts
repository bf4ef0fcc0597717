/**
 * Writes Fashion-MNIST out as an image folder, as a user's own data would be
 * laid out: <out>/train/<NN-class>/<index>.png and <out>/test/… (grey PNG, or
 * JPEG with --format jpeg), from the same IDX files `oqat train --dataset`
 * reads, so a run on the folder and a run on the IDX files see the same images
 * (docs/benchmarks-data.md).
 *
 *   npx tsx tools/data/write-image-folder.ts --out /tmp/fmnist-png [--source subset|full] [--format png|jpeg] [--limit-train N] [--limit-test N]
 *     [--tint] [--size N] [--seed S]
 *
 * --tint writes RGB: each image's garment in one colour and its background in
 * another, both drawn per image from a seeded rng (independent of the class,
 * so colour carries no label); --size N resizes bilinearly (half-pixel
 * centres, data's resizeBilinear) to N×N, e.g. 96 for a larger RGB set.
 *
 * Class folders are named "<id>-<name>" so that their sorted order is
 * Fashion-MNIST's class ids; the file name is the item's index in its IDX split.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, derive } from '@oqat/core';
import { bilinearPlan, loadFashionMnist, resizeBilinear, type DatasetRequest, type ImageDataset } from '@oqat/data';
import { encodeImage, type ImageFormat } from '@oqat/data/testing';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    source: { type: 'string', default: 'subset' },
    format: { type: 'string', default: 'png' },
    'limit-train': { type: 'string', default: '0' },
    'limit-test': { type: 'string', default: '0' },
    tint: { type: 'boolean', default: false },
    size: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});
if (!values.out) throw new Error('--out FOLDER is required');
const format = values.format as ImageFormat;
const outDir = resolve(values.out);
const data = await loadFashionMnist({ source: values.source as DatasetRequest });
const folderName = (d: ImageDataset, c: number): string => `${String(c).padStart(2, '0')}-${d.classNames[c]!.replace(/[^A-Za-z0-9]+/g, '-')}`;

const tint = values.tint;
const channels = tint ? 3 : 1;
const side = Number(values.size) > 0 ? Number(values.size) : 0;

/** One image as written: grey as stored, or tinted into RGB, then resized when --size is given. */
function outputPixels(d: ImageDataset, i: number, rng: ReturnType<typeof createRng>): Uint8Array {
  const grey = d.images.subarray(i * d.height * d.width, (i + 1) * d.height * d.width);
  let pixels: Uint8Array = grey;
  if (tint) {
    const fg = [0, 1, 2].map(() => 80 + rng.int(176));
    const bg = [0, 1, 2].map(() => rng.int(96));
    pixels = new Uint8Array(grey.length * 3);
    for (let p = 0; p < grey.length; p++) {
      const a = grey[p]! / 255;
      for (let c = 0; c < 3; c++) pixels[p * 3 + c] = Math.round(a * fg[c]! + (1 - a) * bg[c]!);
    }
  }
  if (!side || side === d.height) return pixels;
  const resized = resizeBilinear(pixels, bilinearPlan(d.height, d.width, side, side), channels, new Float32Array(side * side * channels));
  return Uint8Array.from(resized, (v) => Math.min(255, Math.max(0, Math.round(v))));
}

for (const [split, limit] of [['train', Number(values['limit-train'])], ['test', Number(values['limit-test'])]] as const) {
  const d = data[split];
  const count = limit > 0 ? Math.min(limit, d.count) : d.count;
  const rng = createRng(derive(Number(values.seed), 'tint', split));
  const size = side || d.width;
  for (let c = 0; c < d.classNames.length; c++) await mkdir(join(outDir, split, folderName(d, c)), { recursive: true });
  for (let i = 0; i < count; i++) {
    const file = join(outDir, split, folderName(d, d.labels[i]!), `${String(i).padStart(5, '0')}.${format === 'jpeg' ? 'jpg' : 'png'}`);
    await writeFile(file, encodeImage(format, size, size, channels, outputPixels(d, i, rng)));
  }
  process.stdout.write(`${split}: ${count} ${format} ${tint ? 'RGB' : 'grey'} ${size}x${size} images of ${data.location.dir} -> ${join(outDir, split)}\n`);
}
