import { readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PNG } from 'pngjs';
import {
  DatasetNotFoundError,
  ImageSizeInconsistentError,
  MaskMissingError,
  MaskSizeMismatchError,
  MaskValueError,
  PngReadError,
  UnsupportedMaskFormatError,
} from '../errors';
import type { SegmentationDataset } from '../types';

export interface PngFolderOptions {
  /** 1 = luminance, 3 = RGB; default 3. */
  readonly channels?: 1 | 3;
  /** Subfolder names; default 'images' and 'masks' (CamVid-style). */
  readonly imagesDir?: string;
  readonly masksDir?: string;
  /** Mask file name for an image file name; default: the same name (Cityscapes needs a mapping). */
  readonly maskName?: (imageName: string) => string;
  /** Names of mask values 0..n-1; default 'class 0'… up to the largest value found. */
  readonly classNames?: readonly string[];
  /** Mask value meaning "unlabelled" (skipped when counting classes); default 255; -1 for none. */
  readonly ignoreValue?: number;
}

/** What PNG.sync.read returns at run time (its typings declare `palette` as a boolean; it is the palette). */
interface PngMeta {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
  readonly colorType: number;
  readonly depth: number;
  readonly palette?: number[][];
}

function readPng(file: string, bytes: Buffer, skipRescale: boolean): PngMeta {
  try {
    return PNG.sync.read(bytes, { skipRescale }) as unknown as PngMeta;
  } catch (error) {
    throw new PngReadError(file, (error as Error).message);
  }
}

/** Class ids of an index mask: 8-bit (or less) grayscale values, or palette indices. */
function maskValues(file: string, png: PngMeta): Uint8Array {
  const { width, height, data } = png;
  const values = new Uint8Array(width * height);
  if ((png.colorType === 0 || png.colorType === 4) && png.depth <= 8) {
    for (let p = 0; p < values.length; p++) values[p] = data[p * 4]!;
    return values;
  }
  if (png.colorType === 3 && Array.isArray(png.palette)) {
    // pngjs expands palette pixels to RGBA; map each colour back to its index
    // (the first one when a palette repeats a colour).
    const indexOf = new Map<number, number>();
    png.palette.forEach(([r, g, b, a], i) => {
      const key = ((r! << 24) | (g! << 16) | (b! << 8) | a!) >>> 0;
      if (!indexOf.has(key)) indexOf.set(key, i);
    });
    for (let p = 0; p < values.length; p++) {
      const key = ((data[p * 4]! << 24) | (data[p * 4 + 1]! << 16) | (data[p * 4 + 2]! << 8) | data[p * 4 + 3]!) >>> 0;
      values[p] = indexOf.get(key)!;
    }
    return values;
  }
  const kind = png.colorType === 2 || png.colorType === 6 ? 'an RGB colour image' : `colour type ${png.colorType}`;
  throw new UnsupportedMaskFormatError(file, `${kind} at ${png.depth} bits`);
}

/**
 * Loads an image/mask PNG dataset laid out like CamVid: <dir>/images/*.png and
 * <dir>/masks/<same name>.png, masks holding one class id per pixel (8-bit
 * grayscale or palette PNG). All images must share one size; each mask must
 * match its image. Files are read in name order.
 */
export async function loadPngSegmentationFolder(dir: string, options: PngFolderOptions = {}): Promise<SegmentationDataset> {
  const channels = options.channels ?? 3;
  const imagesDir = join(dir, options.imagesDir ?? 'images');
  const masksDir = join(dir, options.masksDir ?? 'masks');
  const maskName = options.maskName ?? ((name: string) => name);
  const ignoreValue = options.ignoreValue ?? 255;
  let names: string[];
  try {
    names = (await readdir(imagesDir)).filter((name) => extname(name).toLowerCase() === '.png').sort();
  } catch {
    names = [];
  }
  if (names.length === 0) {
    throw new DatasetNotFoundError(`loadPngSegmentationFolder: ${imagesDir} holds no .png images`, 'check the folder path and its layout (images/ and masks/)');
  }
  let first: { file: string; width: number; height: number } | undefined;
  const images: Uint8Array[] = [];
  const masks: Uint8Array[] = [];
  let largest = 0;
  for (const name of names) {
    const imageFile = join(imagesDir, name);
    const maskFile = join(masksDir, maskName(name));
    const [imageBytes, maskBytes] = await Promise.all([
      readFile(imageFile),
      readFile(maskFile).catch(() => {
        throw new MaskMissingError(imageFile, maskFile);
      }),
    ]);
    const image = readPng(imageFile, imageBytes, false);
    const mask = readPng(maskFile, maskBytes, true);
    const size = `${image.width}x${image.height}`;
    first ??= { file: imageFile, width: image.width, height: image.height };
    if (image.width !== first.width || image.height !== first.height) {
      throw new ImageSizeInconsistentError(imageFile, size, first.file, `${first.width}x${first.height}`);
    }
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new MaskSizeMismatchError(maskFile, `${mask.width}x${mask.height}`, imageFile, size);
    }
    const values = maskValues(maskFile, mask);
    for (let p = 0; p < values.length; p++) {
      const v = values[p]!;
      if (v === ignoreValue) continue;
      if (options.classNames && v >= options.classNames.length) {
        throw new MaskValueError(maskFile, v, options.classNames.length);
      }
      if (v > largest) largest = v;
    }
    masks.push(values);
    images.push(toChannels(image.data, image.width * image.height, channels));
  }
  const { width, height } = first!;
  const classNames = options.classNames ?? Array.from({ length: largest + 1 }, (_, i) => `class ${i}`);
  return {
    images: concat(images),
    masks: concat(masks),
    count: names.length,
    height,
    width,
    channels,
    classNames,
    ignoreValue: ignoreValue >= 0 && ignoreValue <= 255 ? ignoreValue : undefined,
  };
}

function toChannels(rgba: Uint8Array, pixels: number, channels: 1 | 3): Uint8Array {
  const out = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const r = rgba[p * 4]!, g = rgba[p * 4 + 1]!, b = rgba[p * 4 + 2]!;
    if (channels === 1) out[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else out.set([r, g, b], p * 3);
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
