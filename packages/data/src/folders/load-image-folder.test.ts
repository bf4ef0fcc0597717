import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmptyClassError, ImageDecodeError, ImageSizeInconsistentError } from '../errors';
import { encodeImage, writeTinyClassFolder } from '../testing';
import { loadImageFolder } from './load-image-folder';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oqat-folder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const flat = (channels: 1 | 3, formats: Array<'png' | 'jpeg'> = ['png', 'jpeg']) =>
  writeTinyClassFolder(join(dir, 'data'), { classes: ['cat', 'ant', 'bee'], perClass: 10, size: 8, channels, formats });

// Real files decoded by pure-JS decoders: slow on a loaded machine, hence the timeouts.
describe('loadImageFolder: layouts', { timeout: 180_000 }, () => {
  it('reads class folders of RGB PNG and JPEG, sorted class ids, a seeded held-out test split, statistics of the pixels', async () => {
    await flat(3);
    // Decoded once: the three loads differ in the held-out split only.
    const cacheDir = join(dir, 'cache');
    const data = await loadImageFolder(join(dir, 'data'), { seed: 3, cacheDir });
    expect(data.train.classNames).toEqual(['ant', 'bee', 'cat']);
    expect([data.train.height, data.train.width, data.train.channels]).toEqual([8, 8, 3]);
    expect([data.train.count, data.test.count, data.testFrom]).toEqual([27, 3, 'held-out']);
    expect(Array.from(data.test.labels).sort()).toEqual([0, 1, 2]);
    expect(data.normalization.mean).toBeGreaterThan(0.2);
    expect(data.normalization.std).toBeGreaterThan(0.05);
    const again = await loadImageFolder(join(dir, 'data'), { seed: 3, cacheDir });
    expect(again.test.images).toEqual(data.test.images);
    const other = await loadImageFolder(join(dir, 'data'), { seed: 4, cacheDir });
    expect(other.test.images).not.toEqual(data.test.images);
  });

  it('reads grey images as one channel, and train/ test/ splits', async () => {
    await writeTinyClassFolder(join(dir, 'data', 'train'), { classes: ['a', 'b'], perClass: 6, size: 8, channels: 1, formats: ['png', 'jpeg'] });
    await writeTinyClassFolder(join(dir, 'data', 'test'), { classes: ['a', 'b'], perClass: 2, size: 8, channels: 1, formats: ['png'] });
    const data = await loadImageFolder(join(dir, 'data'));
    expect([data.train.channels, data.train.count, data.test.count, data.testFrom]).toEqual([1, 12, 4, 'folder']);
    // One image per class in turn: any first n images cover the classes.
    expect(Array.from(data.train.labels.subarray(0, 4))).toEqual([0, 1, 0, 1]);
  });

  it('takes a test/ sub-folder beside the class folders as the test split, not as a class', async () => {
    await flat(3);
    await writeTinyClassFolder(join(dir, 'data', 'test'), { classes: ['bee'], perClass: 2, size: 8, channels: 3, formats: ['jpeg'] });
    const data = await loadImageFolder(join(dir, 'data'));
    expect(data.train.classNames).toEqual(['ant', 'bee', 'cat']);
    expect([data.train.count, data.test.count, data.testFrom]).toEqual([30, 2, 'folder']);
    expect(Array.from(data.test.labels)).toEqual([1, 1]);
  });

  it('decodes once: a second load reads the cache file, a changed file decodes again', async () => {
    const files = await flat(3);
    const cacheDir = join(dir, 'cache');
    const first = await loadImageFolder(join(dir, 'data'), { cacheDir });
    const second = await loadImageFolder(join(dir, 'data'), { cacheDir });
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(second.train.images).toEqual(first.train.images);
    expect(second.normalization).toEqual(first.normalization);
    await utimes(files[0]!, new Date(), new Date(Date.now() + 5000));
    expect((await loadImageFolder(join(dir, 'data'), { cacheDir })).fromCache).toBe(false);
    expect(await readdir(cacheDir)).toHaveLength(2);
    // A damaged cache file is decoded again, not trusted.
    for (const name of await readdir(cacheDir)) await writeFile(join(cacheDir, name), 'OQATIMG1xxxx');
    expect((await loadImageFolder(join(dir, 'data'), { cacheDir })).fromCache).toBe(false);
  });
});

describe('loadImageFolder: bad data, one line naming the file; skipBadFiles leaves it out', { timeout: 180_000 }, () => {
  it('a truncated PNG, a truncated JPEG, a file that is not an image', async () => {
    const files = await flat(3);
    const png = files.find((f) => f.endsWith('.png'))!;
    const jpg = files.find((f) => f.endsWith('.jpg'))!;
    await writeFile(png, (await readFile(png)).subarray(0, 60));
    await expect(loadImageFolder(join(dir, 'data'))).rejects.toThrow(ImageDecodeError);
    await expect(loadImageFolder(join(dir, 'data'))).rejects.toThrow(`cannot read ${png} as PNG or JPEG`);
    await writeFile(jpg, (await readFile(jpg)).subarray(0, 200));
    await writeFile(join(dir, 'data', 'cat', 'notes.png'), 'not an image');
    const data = await loadImageFolder(join(dir, 'data'), { skipBadFiles: true });
    expect(data.skipped.map((s) => s.file).sort()).toEqual([png, jpg, join(dir, 'data', 'cat', 'notes.png')].sort());
    expect(data.skipped.every((s) => !s.problem.includes('\n'))).toBe(true);
    expect(data.train.count + data.test.count).toBe(28);
  });

  it('an empty class folder', async () => {
    await flat(3);
    await mkdir(join(dir, 'data', 'dog'));
    await expect(loadImageFolder(join(dir, 'data'))).rejects.toThrow(EmptyClassError);
    await expect(loadImageFolder(join(dir, 'data'))).rejects.toThrow(`class folder ${join(dir, 'data', 'dog')} holds no PNG or JPEG image`);
    const data = await loadImageFolder(join(dir, 'data'), { skipBadFiles: true });
    expect(data.train.classNames).toEqual(['ant', 'bee', 'cat']);
    expect(data.skipped).toHaveLength(1);
  });

  it('an image of another size than the rest', async () => {
    await flat(1);
    const odd = join(dir, 'data', 'bee', 'big.png');
    await writeFile(odd, encodeImage('png', 12, 8, 1, new Uint8Array(96)));
    await expect(loadImageFolder(join(dir, 'data'))).rejects.toThrow(ImageSizeInconsistentError);
    await expect(loadImageFolder(join(dir, 'data'))).rejects.toThrow(`loadImageFolder: ${odd} is 12x8 but`);
    const data = await loadImageFolder(join(dir, 'data'), { skipBadFiles: true });
    expect(data.skipped.map((s) => s.file)).toEqual([odd]);
    expect(data.train.width).toBe(8);
    // With resizeToCommonSize it is kept, brought to 8x8 (centre crop of its 8 middle columns, then as it is),
    // and the cache keeps the resized folder apart from the skipping one.
    const pixels = Uint8Array.from({ length: 96 }, (_, i) => (i % 12 < 2 || i % 12 >= 10 ? 255 : 40));
    await writeFile(odd, encodeImage('png', 12, 8, 1, pixels));
    const cacheDir = join(dir, 'cache');
    await loadImageFolder(join(dir, 'data'), { skipBadFiles: true, cacheDir });
    const resized = await loadImageFolder(join(dir, 'data'), { resizeToCommonSize: true, cacheDir });
    expect([resized.skipped.length, resized.fromCache, resized.train.count + resized.test.count]).toEqual([0, false, 31]);
    const all = [resized.train, resized.test];
    const found = all.flatMap((d) => Array.from({ length: d.count }, (_, i) => d.images.subarray(i * 64, (i + 1) * 64))).filter((img) => img.every((v) => v === 40));
    expect(found).toHaveLength(1);
  });
});
