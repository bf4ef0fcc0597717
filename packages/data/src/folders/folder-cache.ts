import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ImageDataset } from '../types';
import type { BadFile, DecodedFolder } from './decode-folder';
import type { ClassificationScan } from './scan-data-folder';

const MAGIC = 'OQATIMG1';

/**
 * The cache file of a folder's decoded images: named by a hash of every
 * image's path, size and modification time (and of the class folders and the
 * skip and resize choices), so any change to the folder makes a new key and nothing is
 * compared byte by byte.
 */
export async function folderCacheFile(cacheDir: string, scan: ClassificationScan, skipBadFiles: boolean, resizeToCommonSize = false): Promise<string> {
  const hash = createHash('sha256').update(`${MAGIC}\n${skipBadFiles}\n${resizeToCommonSize ? 'resize to the common size\n' : ''}`);
  for (const [split, classes] of [['train', scan.train], ['test', scan.test ?? []]] as const) {
    for (const c of classes) {
      hash.update(`${split}/${relative(scan.dir, c.dir)}/\n`);
      // A class folder's files are stat'ed together: one at a time, the key took longer than reading the cache.
      const infos = await Promise.all(c.files.map((file) => stat(file).catch(() => undefined)));
      c.files.forEach((file, i) => hash.update(`${relative(scan.dir, file)}\t${infos[i]?.size ?? -1}\t${infos[i]?.mtimeMs ?? -1}\n`));
    }
  }
  return join(cacheDir, `images-${hash.digest('hex').slice(0, 32)}.bin`);
}

interface CacheHeader {
  splits: Array<{ name: 'train' | 'test'; count: number; height: number; width: number; channels: number; classNames: readonly string[] }>;
  skipped: readonly BadFile[];
}

/** Writes the decoded folder: a magic, a JSON header's length and text, then each split's pixels and labels. Atomic (temporary file, then rename). */
export async function writeFolderCache(file: string, decoded: DecodedFolder): Promise<void> {
  const splits = [['train', decoded.train], ['test', decoded.test]].filter((s): s is ['train' | 'test', ImageDataset] => s[1] !== undefined);
  const header: CacheHeader = {
    splits: splits.map(([name, d]) => ({ name, count: d.count, height: d.height, width: d.width, channels: d.channels, classNames: d.classNames })),
    skipped: decoded.skipped,
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  await mkdir(join(file, '..'), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, Buffer.concat([Buffer.from(MAGIC), length, json, ...splits.flatMap(([, d]) => [d.images, d.labels])]));
  await rename(temporary, file);
}

/** The decoded folder from its cache file, or undefined when there is none or it is not one this code wrote (it is then decoded again). */
export async function readFolderCache(file: string): Promise<DecodedFolder | undefined> {
  const bytes = await readFile(file).catch(() => undefined);
  if (!bytes || bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) return undefined;
  try {
    const headerEnd = 12 + bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 12, headerEnd)) as CacheHeader;
    let offset = headerEnd;
    const take = (n: number): Uint8Array => {
      if (offset + n > bytes.length) throw new RangeError('cache file is short');
      const out = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, n);
      offset += n;
      return out;
    };
    const datasets = header.splits.map((s) => {
      const images = take(s.count * s.height * s.width * s.channels);
      return { name: s.name, dataset: { images, labels: take(s.count), count: s.count, height: s.height, width: s.width, channels: s.channels, classNames: s.classNames } };
    });
    const train = datasets.find((d) => d.name === 'train')?.dataset;
    const test = datasets.find((d) => d.name === 'test')?.dataset;
    return train && offset === bytes.length ? { train, ...(test ? { test } : {}), skipped: header.skipped } : undefined;
  } catch {
    return undefined;
  }
}
