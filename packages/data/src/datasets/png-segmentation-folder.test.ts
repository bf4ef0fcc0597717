import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatasetNotFoundError,
  ImageSizeInconsistentError,
  MaskMissingError,
  MaskSizeMismatchError,
  MaskValueError,
  UnsupportedMaskFormatError,
} from '../errors';
import { loadPngSegmentationFolder } from './png-segmentation-folder';

/** An 8-bit grayscale (colour type 0) or palette (colour type 3) PNG — pngjs cannot write palettes. */
function indexPng(width: number, height: number, values: number[], palette?: number[][]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, palette ? 3 : 0, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) rows.set(values.slice(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(palette ? [chunk('PLTE', Buffer.from(palette.flat()))] : []),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function rgbaPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) png.data.set([...rgb, 255], p * 4);
  return PNG.sync.write(png);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oqat-png-'));
  await mkdir(join(dir, 'images'));
  await mkdir(join(dir, 'masks'));
  await writeFile(join(dir, 'images', 'a.png'), rgbaPng(3, 2, [255, 0, 0]));
  await writeFile(join(dir, 'images', 'b.png'), rgbaPng(3, 2, [0, 0, 255]));
  await writeFile(join(dir, 'masks', 'a.png'), indexPng(3, 2, [0, 1, 2, 2, 1, 255]));
  const palette = [[0, 0, 0], [128, 64, 128], [70, 70, 70]];
  await writeFile(join(dir, 'masks', 'b.png'), indexPng(3, 2, [2, 2, 1, 0, 0, 1], palette));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadPngSegmentationFolder', () => {
  it('loads images with grayscale and palette index masks', async () => {
    const ds = await loadPngSegmentationFolder(dir);
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([2, 2, 3, 3]);
    expect(Array.from(ds.masks)).toEqual([0, 1, 2, 2, 1, 255, 2, 2, 1, 0, 0, 1]);
    expect(Array.from(ds.images.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(ds.images.subarray(18, 21))).toEqual([0, 0, 255]);
    expect(ds.classNames).toEqual(['class 0', 'class 1', 'class 2']);
    expect(ds.ignoreValue).toBe(255);
    const gray = await loadPngSegmentationFolder(dir, { channels: 1 });
    expect(gray.images[0]).toBe(76); // 0.299 * 255
  });

  it('names the mask and the image when their sizes differ', async () => {
    const mask = join(dir, 'masks', 'b.png');
    await writeFile(mask, indexPng(2, 2, [0, 0, 0, 0]));
    await expect(loadPngSegmentationFolder(dir)).rejects.toThrow(MaskSizeMismatchError);
    await expect(loadPngSegmentationFolder(dir)).rejects.toThrow(
      `mask ${mask} is 2x2 but image ${join(dir, 'images', 'b.png')} is 3x2`,
    );
  });

  it('names the file for a missing mask, an RGB mask, odd image sizes and unknown classes', async () => {
    await expect(loadPngSegmentationFolder(dir, { classNames: ['bg', 'road'] })).rejects.toThrow(MaskValueError);
    await writeFile(join(dir, 'masks', 'b.png'), rgbaPng(3, 2, [1, 2, 3]));
    await expect(loadPngSegmentationFolder(dir)).rejects.toThrow(UnsupportedMaskFormatError);
    await expect(loadPngSegmentationFolder(dir)).rejects.toThrow(/masks\/b\.png is an RGB colour image/);
    await writeFile(join(dir, 'images', 'c.png'), rgbaPng(4, 4, [0, 0, 0]));
    await rm(join(dir, 'masks', 'b.png'));
    await expect(loadPngSegmentationFolder(dir)).rejects.toThrow(MaskMissingError);
    await writeFile(join(dir, 'masks', 'b.png'), indexPng(3, 2, [0, 0, 0, 0, 0, 0]));
    await writeFile(join(dir, 'masks', 'c.png'), indexPng(4, 4, new Array(16).fill(0)));
    await expect(loadPngSegmentationFolder(dir)).rejects.toThrow(ImageSizeInconsistentError);
    await expect(loadPngSegmentationFolder(join(dir, 'nope'))).rejects.toThrow(DatasetNotFoundError);
  });

  it('with skipBadFiles leaves out an unreadable image, a mask outside the classes and a size mismatch, naming each', async () => {
    for (const name of ['c', 'd', 'e', 'f']) {
      await writeFile(join(dir, 'images', `${name}.png`), rgbaPng(3, 2, [9, 9, 9]));
      await writeFile(join(dir, 'masks', `${name}.png`), indexPng(3, 2, [0, 1, 0, 1, 0, 1]));
    }
    await writeFile(join(dir, 'images', 'c.png'), Buffer.from('not a png'));
    await writeFile(join(dir, 'masks', 'd.png'), indexPng(3, 2, [0, 1, 7, 1, 0, 1]));
    await writeFile(join(dir, 'masks', 'e.png'), indexPng(2, 2, [0, 0, 0, 0]));
    await writeFile(join(dir, 'images', 'f.png'), rgbaPng(4, 4, [9, 9, 9]));
    await writeFile(join(dir, 'masks', 'f.png'), indexPng(4, 4, new Array(16).fill(0)));
    const classNames = ['bg', 'road', 'car'];
    // without skipping, the first bad pair in file order stops the load, named
    await expect(loadPngSegmentationFolder(dir, { classNames })).rejects.toThrow(`cannot read ${join(dir, 'images', 'c.png')} as PNG`);
    const ds = await loadPngSegmentationFolder(dir, { classNames, skipBadFiles: true });
    expect(ds.count).toBe(2);
    expect(Array.from(ds.images.subarray(18, 21))).toEqual([0, 0, 255]);
    expect(ds.skipped.map((b) => b.file)).toEqual(['images/c.png', 'masks/d.png', 'images/e.png', 'images/f.png'].map((f) => join(dir, f)));
    expect(ds.skipped[1]!.problem).toMatch(/holds value 7, but only 3 class names/);
    expect(ds.skipped[2]!.problem).toMatch(/is 2x2 but image .*e\.png is 3x2/);
    expect(ds.skipped[3]!.problem).toMatch(/f\.png is 4x4 but .*a\.png is 3x2/);
    expect(ds.skipped.every((b) => !b.problem.includes('\n'))).toBe(true);
  });
});
