import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetNotFoundError } from '../errors';
import { SUBSET_DATASET_DIR } from '../datasets/resolve-fashion-mnist';
import { encodeImage, writeTinyClassFolder } from '../testing';
import { describeDataFolder, formatDataFolderDescription } from './describe-data-folder';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oqat-describe-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** <dir>/<split>/images/<i>.png (RGB) and masks/<i>.png (grey values = class ids). */
async function segmentationSplit(split: string, masks: number[][]): Promise<void> {
  await mkdir(join(dir, split, 'images'), { recursive: true });
  await mkdir(join(dir, split, 'masks'), { recursive: true });
  for (const [i, values] of masks.entries()) {
    await writeFile(join(dir, split, 'images', `${i}.png`), encodeImage('png', 2, 2, 3, new Uint8Array(12).fill(10 * i + 5)));
    await writeFile(join(dir, split, 'masks', `${i}.png`), encodeImage('png', 2, 2, 1, Uint8Array.from(values)));
  }
}

describe('describeDataFolder', { timeout: 180_000 }, () => {
  it('a classification folder: classes, counts per class and split, size, channels, every problem', async () => {
    await writeTinyClassFolder(dir, { classes: ['a', 'b'], perClass: 10, size: 8, channels: 3, formats: ['jpeg'] });
    await writeFile(join(dir, 'b', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff]));
    const d = await describeDataFolder(dir);
    expect(d).toMatchObject({ layout: 'classification', classNames: ['a', 'b'], height: 8, width: 8, channels: 3 });
    expect(d.splits).toEqual([
      { name: 'train', count: 18, perClass: [9, 9] },
      { name: 'test', count: 2, perClass: [1, 1], from: 'held-out' },
    ]);
    expect(d.problems.map((p) => p.file)).toEqual([join(dir, 'b', 'broken.jpg')]);
    const text = formatDataFolderDescription(d);
    expect(text).toContain('images:  8x8, 3 channels, 2 classes');
    expect(text).toContain('splits:  train 18, test (held out) 2');
    expect(text).toContain(`cannot read ${join(dir, 'b', 'broken.jpg')} as PNG or JPEG`);
  });

  it('a segmentation folder: splits, classes from classes.txt, a mask label outside them named', async () => {
    await segmentationSplit('train', [[0, 1, 1, 0], [1, 1, 0, 0]]);
    await segmentationSplit('test', [[0, 2, 1, 0]]);
    await writeFile(join(dir, 'classes.txt'), 'background\nroad\n');
    const d = await describeDataFolder(dir);
    expect(d).toMatchObject({ layout: 'segmentation', classNames: ['background', 'road'], height: 2, width: 2, channels: 3 });
    expect(d.splits).toEqual([{ name: 'train', count: 2 }]);
    expect(d.problems).toHaveLength(1);
    expect(d.problems[0]!.problem).toContain(`mask ${join(dir, 'test', 'masks', '0.png')} holds value 2`);
  });

  it('an IDX folder, and a folder with nothing known in it', async () => {
    const d = await describeDataFolder(SUBSET_DATASET_DIR);
    expect(d).toMatchObject({ layout: 'idx', height: 28, width: 28, channels: 1 });
    expect(d.classNames).toHaveLength(10);
    await writeFile(join(dir, 'x.txt'), 'x');
    await expect(describeDataFolder(dir)).rejects.toThrow(DatasetNotFoundError);
    await expect(describeDataFolder(join(dir, 'x.txt'))).rejects.toThrow(`${join(dir, 'x.txt')} is not a folder`);
  });
});
