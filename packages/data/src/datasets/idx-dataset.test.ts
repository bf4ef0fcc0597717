import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdxCountMismatchError, IdxRankError, LabelOutOfRangeError } from '../errors';
import { writeIdxFile } from '../idx/write-idx-file';
import { loadIdxDataset } from './idx-dataset';

let dir: string;
const classes = ['a', 'b', 'c'];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oqat-idxds-'));
  await writeIdxFile(join(dir, 'img.gz'), [4, 2, 3], Uint8Array.from({ length: 24 }, (_, i) => i));
  await writeIdxFile(join(dir, 'lab.gz'), [4], new Uint8Array([0, 1, 2, 1]));
  await writeIdxFile(join(dir, 'lab3.gz'), [3], new Uint8Array([0, 1, 2]));
  await writeIdxFile(join(dir, 'lab-bad.gz'), [4], new Uint8Array([0, 1, 7, 1]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadIdxDataset', () => {
  it('loads an images/labels pair', async () => {
    const ds = await loadIdxDataset({ images: join(dir, 'img.gz'), labels: join(dir, 'lab.gz') }, classes);
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([4, 2, 3, 1]);
    expect(Array.from(ds.labels)).toEqual([0, 1, 2, 1]);
    expect(ds.images[23]).toBe(23);
  });

  it('names both files when image and label counts differ', async () => {
    const files = { images: join(dir, 'img.gz'), labels: join(dir, 'lab3.gz') };
    await expect(loadIdxDataset(files, classes)).rejects.toThrow(IdxCountMismatchError);
    await expect(loadIdxDataset(files, classes)).rejects.toThrow(
      `loadIdxPair: ${files.images} holds 4 images but ${files.labels} holds 3 labels`,
    );
  });

  it('rejects swapped files and out-of-range labels', async () => {
    const swapped = { images: join(dir, 'lab.gz'), labels: join(dir, 'img.gz') };
    await expect(loadIdxDataset(swapped, classes)).rejects.toThrow(IdxRankError);
    const bad = { images: join(dir, 'img.gz'), labels: join(dir, 'lab-bad.gz') };
    await expect(loadIdxDataset(bad, classes)).rejects.toThrow(LabelOutOfRangeError);
    await expect(loadIdxDataset(bad, classes)).rejects.toThrow(/lab-bad\.gz has label 7 at item 2/);
  });
});
