import { readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { OqatError } from '@oqat/core';
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
import type { BadFile } from '../folders/decode-folder';
import { firstOfMostCommonSize } from '../folders/most-common-size';
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
  /** Leave bad image/mask pairs out (listed in `skipped`) instead of throwing on the first. Default false. */
  readonly skipBadFiles?: boolean;
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

/** A segmentation folder as loaded: the dataset and the image/mask pairs left out with skipBadFiles. */
export type SegmentationFolderData = SegmentationDataset & { readonly skipped: readonly BadFile[] };

interface DecodedPair {
  readonly imageFile: string;
  readonly width: number;
  readonly height: number;
  /** the image's pixels at the wanted channel count */
  readonly pixels: Uint8Array;
  readonly maskFile: string;
  readonly values: Uint8Array;
}

/** Reads and decodes one image and its mask; a file that is missing or not a usable PNG throws its one-line error. */
async function decodePair(imageFile: string, maskFile: string, channels: 1 | 3): Promise<DecodedPair> {
  const [imageBytes, maskBytes] = await Promise.all([
    readFile(imageFile).catch((err: NodeJS.ErrnoException) => {
      throw new PngReadError(imageFile, `cannot be read: ${err.code ?? err.message}`);
    }),
    readFile(maskFile).catch(() => {
      throw new MaskMissingError(imageFile, maskFile);
    }),
  ]);
  const image = readPng(imageFile, imageBytes, false);
  const mask = readPng(maskFile, maskBytes, true);
  if (mask.width !== image.width || mask.height !== image.height) {
    throw new MaskSizeMismatchError(maskFile, `${mask.width}x${mask.height}`, imageFile, `${image.width}x${image.height}`);
  }
  const { width, height } = image;
  return { imageFile, width, height, pixels: toChannels(image.data, width * height, channels), maskFile, values: maskValues(maskFile, mask) };
}

/**
 * Loads an image/mask PNG dataset laid out like CamVid: <dir>/images/*.png and
 * <dir>/masks/<same name>.png, masks holding one class id per pixel (8-bit
 * grayscale or palette PNG). All images must share one size (the folder's
 * most common one); each mask must match its image and hold only class ids
 * below classNames.length when names are given. Files are read in name order.
 * A bad pair (an unreadable or non-PNG image or mask, a missing mask, an
 * image of another size, a mask of another size than its image, a mask value
 * outside the classes) throws its one-line error naming the file, or with
 * `skipBadFiles` is left out and listed in `skipped`.
 */
export async function loadPngSegmentationFolder(dir: string, options: PngFolderOptions = {}): Promise<SegmentationFolderData> {
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
  const problems: Array<{ index: number; error: OqatError; file: string }> = [];
  const bad = (index: number, error: unknown, file: string): void => {
    if (!(error instanceof OqatError)) throw error;
    problems.push({ index, error, file });
  };
  const decoded: Array<DecodedPair & { index: number }> = [];
  for (const [index, name] of names.entries()) {
    const imageFile = join(imagesDir, name);
    try {
      decoded.push({ index, ...(await decodePair(imageFile, join(masksDir, maskName(name)), channels)) });
    } catch (error) {
      bad(index, error, imageFile);
    }
  }
  const reference = firstOfMostCommonSize(decoded, (pair) => pair);
  const kept: DecodedPair[] = [];
  let largest = 0;
  for (const pair of decoded) {
    const { values } = pair;
    if (pair.width !== reference!.width || pair.height !== reference!.height) {
      const size = (p: DecodedPair) => `${p.width}x${p.height}`;
      bad(pair.index, new ImageSizeInconsistentError(pair.imageFile, size(pair), reference!.imageFile, size(reference!)), pair.imageFile);
      continue;
    }
    let pairLargest = 0;
    let outside = -1;
    for (let p = 0; p < values.length; p++) {
      const v = values[p]!;
      if (v === ignoreValue) continue;
      if (options.classNames && v >= options.classNames.length) {
        outside = v;
        break;
      }
      if (v > pairLargest) pairLargest = v;
    }
    if (outside >= 0) {
      bad(pair.index, new MaskValueError(pair.maskFile, outside, options.classNames!.length), pair.maskFile);
      continue;
    }
    largest = Math.max(largest, pairLargest);
    kept.push(pair);
  }
  // The first bad pair in file order is the one reported when not skipping.
  problems.sort((a, b) => a.index - b.index);
  if (problems.length > 0 && !options.skipBadFiles) throw problems[0]!.error;
  if (kept.length === 0) {
    throw new DatasetNotFoundError(`loadPngSegmentationFolder: ${imagesDir} holds no usable image/mask pair (${problems.length} bad, the first: ${problems[0]!.error.message})`, 'fix or replace the files');
  }
  const { width, height } = kept[0]!;
  const classNames = options.classNames ?? Array.from({ length: largest + 1 }, (_, i) => `class ${i}`);
  return {
    images: concat(kept.map((p) => p.pixels)),
    masks: concat(kept.map((p) => p.values)),
    count: kept.length,
    height,
    width,
    channels,
    classNames,
    ignoreValue: ignoreValue >= 0 && ignoreValue <= 255 ? ignoreValue : undefined,
    skipped: problems.map((p) => ({ file: p.file, problem: p.error.message })),
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
