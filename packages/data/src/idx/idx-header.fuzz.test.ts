import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OqatError, createRng } from '@oqat/core';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDataset } from '../datasets/describe-dataset';
import { FASHION_MNIST_FILES } from '../datasets/fashion-mnist-files';
import { loadFashionMnist } from '../datasets/load-fashion-mnist';
import { IdxEmptySplitError, IdxImageShapeError } from '../errors';
import { encodeIdx } from './encode-idx';
import { parseIdx } from './parse-idx';

// IDX files as a careless user or a crafted download gives them: each is
// refused in one line by `data info` (describeDataset) and by training's
// loader (loadFashionMnist) before any image is used, or read as exactly what
// its header says. The fixed cases are the defects seen (other image sizes
// trained without a word; zero images passed `data info`); the seeded ones
// flip bytes of a header.

const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

const image = (n: number, h = 28, w = 28, c?: number) => {
  const dims = c === undefined ? [n, h, w] : [n, h, w, c];
  return encodeIdx(dims, new Uint8Array(dims.reduce((a, b) => a * b, 1)));
};
const labels = (n: number) => encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % 10));

/** A Fashion-MNIST folder whose train images file is `trainImages` (raw bytes), the rest sound. */
function folder(trainImages: Uint8Array, trainLabels: Uint8Array = labels(4)): string {
  const dir = mkdtempSync(join(tmpdir(), 'oqat-idx-fuzz-'));
  roots.push(dir);
  writeFileSync(join(dir, FASHION_MNIST_FILES.train.images), trainImages);
  writeFileSync(join(dir, FASHION_MNIST_FILES.train.labels), trainLabels);
  writeFileSync(join(dir, FASHION_MNIST_FILES.test.images), image(3));
  writeFileSync(join(dir, FASHION_MNIST_FILES.test.labels), labels(3));
  return dir;
}

/** Both readers of a folder: each answers a count of train images, or a one-line OqatError. */
async function readBoth(dir: string): Promise<Array<number | Error>> {
  const options = { source: 'full' as const, env: { OQAT_DATA: dir } };
  return Promise.all([
    describeDataset(options).then((d) => d.splits.train.count, (e: Error) => e),
    loadFashionMnist(options).then((d) => d.train.count, (e: Error) => e),
  ]);
}

function expectRefused(results: Array<number | Error>, type: new (...a: never[]) => Error, message: RegExp): void {
  for (const r of results) {
    expect(r).toBeInstanceOf(type);
    expect((r as Error).message).toMatch(message);
    expect((r as Error).message).not.toContain('\n');
  }
}

describe('Fashion-MNIST IDX headers, field by field', () => {
  it('a sound folder reads', async () => {
    expect(await readBoth(folder(image(4)))).toEqual([4, 4]);
    expect(await readBoth(folder(gzipSync(image(4))))).toEqual([4, 4]);
  });

  it.each([
    ['32×32 images', image(4, 32, 32), /holds images of shape \[32, 32\], expected \[28, 28\] \(28×28, one channel\)/],
    ['28×27 images', image(4, 28, 27), /holds images of shape \[28, 27\]/],
    ['three channels', image(4, 28, 28, 3), /holds images of shape \[28, 28, 3\]/],
    ['gzip-compressed 32×32 images', gzipSync(image(4, 32, 32)), /holds images of shape \[32, 32\]/],
  ])('refuses %s (they trained without a word)', async (_what, bytes, message) => {
    expectRefused(await readBoth(folder(bytes)), IdxImageShapeError, message);
  });

  it('refuses zero training images (it passed data info and failed in the worker)', async () => {
    expectRefused(await readBoth(folder(image(0), labels(0))), IdxEmptySplitError, /holds 0 images; the train split needs at least one/);
  });

  it.each([
    ['images of rank 2', encodeIdx([4, 784], new Uint8Array(4 * 784)), /holds images of shape \[784\]|expected 3 dimensions/],
    ['a float IDX (type 0x0D)', Uint8Array.from([0, 0, 0x0d, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28]), /has magic 0x00000d03/],
    ['rank 0', Uint8Array.from([0, 0, 8, 0]), /has magic 0x00000800/],
    ['a count of 2^32-1', (() => { const b = image(1); b.set([0xff, 0xff, 0xff, 0xff], 4); return b; })(), /is truncated/],
    ['a header cut short', image(4).subarray(0, 10), /is truncated/],
    ['data cut short', image(4).subarray(0, 100), /is truncated/],
    ['an empty file', new Uint8Array(0), /is truncated/],
    ['gzip garbage', Uint8Array.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]), /.+/],
  ])('refuses %s in one line', async (_what, bytes, message) => {
    for (const r of await readBoth(folder(bytes))) {
      expect(r).toBeInstanceOf(OqatError);
      expect((r as Error).message).toMatch(message);
      expect((r as Error).message).not.toContain('\n');
    }
  });

  it('seeded header mutations: every read refuses in one line, or reads [n, 28, 28] with n the labels count', async () => {
    const rng = createRng(15);
    const good = image(4);
    for (let i = 0; i < 60; i++) {
      const bytes = Uint8Array.from(good);
      const flips = 1 + rng.int(3);
      for (let f = 0; f < flips; f++) bytes[rng.int(16)] = rng.pick([0, 1, 3, 4, 8, 0x0d, 27, 28, 0x7f, 0xff, rng.int(256)]);
      // the parser alone: a one-line error or dims that fit the bytes
      try {
        const parsed = parseIdx(bytes, 'x');
        expect(parsed.data.length).toBe(parsed.dims.reduce((a, b) => a * b, 1));
      } catch (err) {
        expect(err).toBeInstanceOf(OqatError);
        expect((err as Error).message).not.toContain('\n');
      }
      for (const r of await readBoth(folder(bytes))) {
        if (typeof r === 'number') expect(r).toBe(4);
        else {
          expect(r, r.stack).toBeInstanceOf(OqatError);
          expect(r.message).not.toContain('\n');
        }
      }
    }
  }, 60_000);
});
