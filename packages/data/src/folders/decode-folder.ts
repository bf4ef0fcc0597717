import { readFile } from 'node:fs/promises';
import { OqatError } from '@oqat/core';
import { DatasetNotFoundError, EmptyClassError, ImageDecodeError, ImageSizeInconsistentError, InvalidDataOptionError } from '../errors';
import { resizeToCover } from '../transforms/resize-to-cover';
import type { ImageDataset } from '../types';
import { decodeImage, type DecodedImage } from './decode-image';
import { firstOfMostCommonSize } from './most-common-size';
import type { ClassFiles, ClassificationScan } from './scan-data-folder';

/** A file (or class folder) left out because it cannot be used, and why: the one-line message it would have thrown. */
export interface BadFile {
  readonly file: string;
  readonly problem: string;
}

/** A classification folder decoded: every image at one size and channel count (what the cache keeps). */
export interface DecodedFolder {
  readonly train: ImageDataset;
  /** the folder's test/ split, when it has one */
  readonly test?: ImageDataset;
  readonly skipped: readonly BadFile[];
}

interface DecodedItem {
  readonly split: 'train' | 'test';
  readonly className: string;
  readonly file: string;
  readonly image: DecodedImage;
}

/** Files read at once: enough to keep the disk busy while the previous ones decode. */
const READ_AHEAD = 32;

/** Decodes every file of the class folders, in order; a file that fails goes to `bad`. */
async function decodeAll(split: 'train' | 'test', classes: readonly ClassFiles[], bad: (error: OqatError, file: string) => void): Promise<DecodedItem[]> {
  const jobs = classes.flatMap((c) => c.files.map((file) => ({ className: c.className, file })));
  const out: DecodedItem[] = [];
  for (let start = 0; start < jobs.length; start += READ_AHEAD) {
    const chunk = jobs.slice(start, start + READ_AHEAD);
    const contents = await Promise.all(chunk.map(({ file }) => readFile(file).catch((err: NodeJS.ErrnoException) => err)));
    chunk.forEach(({ className, file }, i) => {
      const bytes = contents[i]!;
      try {
        if (bytes instanceof Error) throw new ImageDecodeError(file, `cannot be read: ${bytes.code ?? bytes.message}`);
        out.push({ split, className, file, image: decodeImage(file, bytes) });
      } catch (error) {
        if (!(error instanceof OqatError)) throw error;
        bad(error, file);
      }
    });
  }
  return out;
}

function toDataset(items: readonly DecodedItem[], classNames: readonly string[], height: number, width: number, channels: 1 | 3): ImageDataset {
  const itemBytes = height * width * channels;
  const images = new Uint8Array(items.length * itemBytes);
  const labels = new Uint8Array(items.length);
  items.forEach(({ image, className }, i) => {
    labels[i] = classNames.indexOf(className);
    if (image.channels === channels) {
      images.set(image.pixels, i * itemBytes);
      return;
    }
    // A grey image in a colour folder: the grey value in all three channels.
    for (let p = 0; p < height * width; p++) images.fill(image.pixels[p]!, i * itemBytes + p * 3, i * itemBytes + p * 3 + 3);
  });
  return { images, labels, count: items.length, height, width, channels, classNames };
}

/**
 * Items taken one per class in turn (each class in file order), so that any
 * first n items (a quick run's trainLimit) hold every class about equally,
 * as a shuffled IDX file's do; file order would give the first classes only.
 */
function roundRobin(items: readonly DecodedItem[]): DecodedItem[] {
  const rank = new Map<DecodedItem, number>();
  const seen = new Map<string, number>();
  for (const item of items) {
    const n = seen.get(item.className) ?? 0;
    rank.set(item, n);
    seen.set(item.className, n + 1);
  }
  // A stable sort keeps the class order within each round.
  return [...items].sort((a, b) => rank.get(a)! - rank.get(b)!);
}

/**
 * Decodes a classification folder into datasets. Bad data (a file that is
 * not a readable PNG/JPEG, a class folder with no usable image, an image
 * whose size differs from the folder's most common size, a test class with
 * no training class) throws its one-line error naming the file, or with
 * `skipBadFiles` is left out and listed in `skipped`. With
 * `resizeToCommonSize` an image of another size is not bad: it is brought to
 * the most common size (centre crop to its aspect ratio, then bilinear:
 * resizeToCover). Labels follow the
 * training classes' sorted names; the data has 3 channels if any image has
 * colour, else 1.
 */
export async function decodeClassFolders(scan: ClassificationScan, skipBadFiles: boolean, resizeToCommonSize = false): Promise<DecodedFolder> {
  const skipped: BadFile[] = [];
  const bad = (error: OqatError, file: string): void => {
    if (!skipBadFiles) throw error;
    skipped.push({ file, problem: error.message });
  };
  const trainNames = scan.train.map((c) => c.className);
  // Labels are bytes (as IDX labels are).
  if (trainNames.length > 256) throw new InvalidDataOptionError('loadImageFolder', `the class folders of ${scan.dir}`, trainNames.length, 'at most 256');
  for (const c of scan.test ?? []) {
    if (!trainNames.includes(c.className)) {
      bad(new DatasetNotFoundError(`loadImageFolder: test class folder ${c.dir} has no training class of that name`, `name it as one of ${trainNames.join(', ')}`), c.dir);
    }
  }
  const testClasses = (scan.test ?? []).filter((c) => trainNames.includes(c.className));
  const items = [...(await decodeAll('train', scan.train, bad)), ...(await decodeAll('test', testClasses, bad))];
  const reference = firstOfMostCommonSize(items, (item) => item.image);
  const sized = items.flatMap((item): DecodedItem[] => {
    const { width, height, channels, pixels } = item.image;
    const common = reference!.image;
    if (width === common.width && height === common.height) return [item];
    if (resizeToCommonSize) {
      return [{ ...item, image: { width: common.width, height: common.height, channels, pixels: resizeToCover(pixels, height, width, channels, common.height, common.width) } }];
    }
    const size = (i: DecodedImage) => `${i.width}x${i.height}`;
    bad(new ImageSizeInconsistentError(item.file, size(item.image), reference!.file, size(common), 'loadImageFolder'), item.file);
    return [];
  });
  // A class is learnable only with at least one training image left.
  const classNames = scan.train
    .filter((c) => {
      if (sized.some((item) => item.split === 'train' && item.className === c.className)) return true;
      bad(new EmptyClassError(c.dir), c.dir);
      return false;
    })
    .map((c) => c.className);
  const kept = sized.filter((item) => classNames.includes(item.className));
  if (classNames.length === 0 || !reference) {
    throw new DatasetNotFoundError(`loadImageFolder: ${scan.dir} has no usable image (${skipped.length} bad files skipped)`, 'check the folder and the problems `oqat data info --data` lists');
  }
  const { width, height } = reference.image;
  const channels = kept.some((item) => item.image.channels === 3) ? 3 : 1;
  const split = (name: 'train' | 'test') => toDataset(roundRobin(kept.filter((item) => item.split === name)), classNames, height, width, channels);
  return { train: split('train'), ...(scan.test ? { test: split('test') } : {}), skipped };
}
