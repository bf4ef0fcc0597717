// Test support of @oqat/data (`@oqat/data/testing`): small real PNG and JPEG
// files and class folders of them, for the tests of the folder readers and the
// command line's end-to-end test.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { createRng } from '@oqat/core';

export type ImageFormat = 'png' | 'jpeg';

/** An image as PNG or JPEG bytes; `pixels` is HWC with 1 (grey) or 3 channels. */
export function encodeImage(format: ImageFormat, width: number, height: number, channels: 1 | 3, pixels: Uint8Array): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = pixels[p * channels + (channels === 1 ? 0 : c)]!;
    rgba[p * 4 + 3] = 255;
  }
  if (format === 'jpeg') return jpeg.encode({ width, height, data: rgba }, 95).data;
  const png = new PNG({ width, height });
  rgba.copy(png.data);
  // colorType 0 writes a grey PNG, 2 an RGB one (pngjs reads either back as RGBA).
  return PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2 });
}

export interface TinyFolderOptions {
  classes: readonly string[];
  perClass: number;
  size: number;
  channels: 1 | 3;
  /** formats used in turn, image by image */
  formats: readonly ImageFormat[];
  seed?: number;
}

/**
 * Writes `<dir>/<class>/<i>.png|jpg`: each class a flat colour of its own
 * (learnable in a few steps) with seeded noise. Returns the files written.
 */
export async function writeTinyClassFolder(dir: string, o: TinyFolderOptions): Promise<string[]> {
  const rng = createRng(o.seed ?? 1);
  const files: string[] = [];
  for (const [k, name] of o.classes.entries()) {
    await mkdir(join(dir, name), { recursive: true });
    const base = [40 + ((k * 97) % 180), 200 - ((k * 53) % 160), 60 + ((k * 151) % 170)];
    for (let i = 0; i < o.perClass; i++) {
      const pixels = new Uint8Array(o.size * o.size * o.channels);
      for (let j = 0; j < pixels.length; j++) pixels[j] = Math.max(0, Math.min(255, base[j % o.channels]! + rng.int(41) - 20));
      const format = o.formats[i % o.formats.length]!;
      const file = join(dir, name, `${String(i).padStart(3, '0')}.${format === 'png' ? 'png' : 'jpg'}`);
      await writeFile(file, encodeImage(format, o.size, o.size, o.channels, pixels));
      files.push(file);
    }
  }
  return files;
}
