import { derive } from '@oqat/core';
import { DatasetNotFoundError } from '../errors';
import { splitValidation } from '../datasets/split-validation';
import type { ImageDataset, Normalization } from '../types';
import { decodeClassFolders, type BadFile } from './decode-folder';
import { folderCacheFile, readFolderCache, writeFolderCache } from './folder-cache';
import { scanDataFolder } from './scan-data-folder';

export interface ImageFolderOptions {
  /** leave out bad files (listed in `skipped`) instead of failing on the first; default false */
  readonly skipBadFiles?: boolean;
  /**
   * bring images of another size than the folder's most common one to it
   * (centre crop to its aspect ratio, then bilinear: resizeToCover) instead
   * of treating them as bad files; default false
   */
  readonly resizeToCommonSize?: boolean;
  /** keep the decoded images in a file here, so the next load of the same folder content decodes nothing */
  readonly cacheDir?: string;
  /** seeds the held-out test split of a folder without test/; default 0 */
  readonly seed?: number;
  /** share of each class held out as the test split when the folder has no test/; default 0.1 */
  readonly testFraction?: number;
}

export interface ImageFolderData {
  readonly dir: string;
  readonly train: ImageDataset;
  readonly test: ImageDataset;
  /** 'folder': its test/ sub-folder; 'held-out': a seeded share of each class */
  readonly testFrom: 'folder' | 'held-out';
  /** mean and standard deviation of the training pixels scaled to [0, 1] (all channels together) */
  readonly normalization: Normalization;
  readonly skipped: readonly BadFile[];
  readonly fromCache: boolean;
}

/** Mean and standard deviation of a dataset's pixels / 255. */
export function pixelStatistics(dataset: Pick<ImageDataset, 'images'>): Normalization {
  let sum = 0;
  let squares = 0;
  for (const v of dataset.images) {
    sum += v;
    squares += v * v;
  }
  const n = Math.max(1, dataset.images.length);
  const mean = sum / n / 255;
  const variance = squares / n / (255 * 255) - mean * mean;
  // A folder of one flat colour has no spread: unit scale rather than a division by zero.
  return { mean, std: variance > 1e-12 ? Math.sqrt(variance) : 1 };
}

/**
 * Loads a classification folder (see scanDataFolder): decoded once, then
 * read from `cacheDir` while the folder's files are unchanged. The test
 * split is the folder's test/ or a seeded, stratified share of the images.
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageFolderData> {
  const scan = await scanDataFolder(dir);
  if (scan.layout !== 'classification') {
    throw new DatasetNotFoundError(`loadImageFolder: ${dir} is a ${scan.layout} folder`, 'pass a folder of class sub-folders of PNG or JPEG images');
  }
  const skipBadFiles = options.skipBadFiles ?? false;
  const resize = options.resizeToCommonSize ?? false;
  const cacheFile = options.cacheDir ? await folderCacheFile(options.cacheDir, scan, skipBadFiles, resize) : undefined;
  const cached = cacheFile ? await readFolderCache(cacheFile) : undefined;
  const decoded = cached ?? (await decodeClassFolders(scan, skipBadFiles, resize));
  if (cacheFile && !cached) await writeFolderCache(cacheFile, decoded);
  let { train } = decoded;
  let test = decoded.test;
  if (!test) {
    const held = splitValidation(train, { seed: derive(options.seed ?? 0, 'held-out-test'), fraction: options.testFraction ?? 0.1 });
    if (held.validation.count === 0) {
      throw new DatasetNotFoundError(`loadImageFolder: ${dir} has too few images per class to hold out a test split`, 'add images, or a test/ sub-folder of class folders');
    }
    train = held.train;
    test = held.validation;
  }
  return {
    dir,
    train,
    test,
    testFrom: decoded.test ? 'folder' : 'held-out',
    normalization: pixelStatistics(train),
    skipped: decoded.skipped,
    fromCache: cached !== undefined,
  };
}
