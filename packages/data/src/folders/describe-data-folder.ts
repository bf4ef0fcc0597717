import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OqatError } from '@oqat/core';
import { describeDataset } from '../datasets/describe-dataset';
import { loadPngSegmentationFolder } from '../datasets/png-segmentation-folder';
import type { ImageDataset } from '../types';
import type { BadFile } from './decode-folder';
import { loadImageFolder, type ImageFolderOptions } from './load-image-folder';
import { scanDataFolder, type FolderLayout } from './scan-data-folder';

export interface FolderSplitDescription {
  readonly name: string;
  readonly count: number;
  /** items per class id (classification layouts) */
  readonly perClass?: readonly number[];
  /** where a classification test split came from */
  readonly from?: 'folder' | 'held-out';
}

/** What `oqat data info --data PATH` prints: the layout, classes, counts, image size and channels, and every problem found. */
export interface DataFolderDescription {
  readonly dir: string;
  readonly layout: FolderLayout;
  readonly classNames: readonly string[];
  readonly splits: readonly FolderSplitDescription[];
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** bad files (skipped when training with skipBadFiles), or the error that stops a split (a segmentation split with no usable pair) */
  readonly problems: readonly BadFile[];
}

/** Optional file of a segmentation folder naming its mask values. */
export const SEGMENTATION_CLASSES_FILE = 'classes.txt';

const perClass = (d: ImageDataset): number[] => {
  const counts = d.classNames.map(() => 0);
  for (const label of d.labels) counts[label]!++;
  return counts;
};

/** A segmentation folder's class names: `classes.txt` (one per line, mask value = line number) when present. */
export async function segmentationClassNames(dir: string): Promise<string[] | undefined> {
  const text = await readFile(join(dir, SEGMENTATION_CLASSES_FILE), 'utf8').catch(() => undefined);
  return text?.split('\n').map((line) => line.trim()).filter(Boolean);
}

async function describeSegmentation(dir: string, splits: readonly string[]): Promise<DataFolderDescription> {
  const names = splits.length > 0 ? splits : [''];
  const classNames = await segmentationClassNames(dir);
  const found = [];
  const problems: BadFile[] = [];
  for (const name of names) {
    try {
      // Every bad pair is listed (a run leaves them out with skipBadFiles), not only the first.
      const data = await loadPngSegmentationFolder(join(dir, name), { ...(classNames ? { classNames } : {}), skipBadFiles: true });
      found.push({ name: name || 'all', data });
      problems.push(...data.skipped);
    } catch (error) {
      if (!(error instanceof OqatError)) throw error;
      problems.push({ file: join(dir, name), problem: error.message });
    }
  }
  const first = found[0]?.data;
  const largest = found.reduce<readonly string[]>((most, s) => (s.data.classNames.length > most.length ? s.data.classNames : most), []);
  return {
    dir, layout: 'segmentation', classNames: classNames ?? largest,
    splits: found.map((s) => ({ name: s.name, count: s.data.count })),
    height: first?.height ?? 0, width: first?.width ?? 0, channels: first?.channels ?? 0, problems,
  };
}

/**
 * Describes a dataset folder of any layout scanDataFolder knows. A
 * classification folder is decoded in full (through the cache when
 * `cacheDir` is given) with bad files skipped, so every problem is listed,
 * not only the first.
 */
export async function describeDataFolder(dir: string, options: Omit<ImageFolderOptions, 'skipBadFiles'> = {}): Promise<DataFolderDescription> {
  const scan = await scanDataFolder(dir);
  if (scan.layout === 'segmentation') return describeSegmentation(dir, scan.splits);
  if (scan.layout === 'idx') {
    const idx = await describeDataset({ env: { OQAT_DATA: dir } });
    return {
      dir, layout: 'idx', classNames: idx.classNames,
      splits: (['train', 'test'] as const).map((name) => ({ name, count: idx.splits[name].count, perClass: idx.splits[name].perClass })),
      height: idx.height, width: idx.width, channels: 1, problems: [],
    };
  }
  const data = await loadImageFolder(dir, { ...options, skipBadFiles: true });
  return {
    dir, layout: 'classification', classNames: data.train.classNames,
    splits: [
      { name: 'train', count: data.train.count, perClass: perClass(data.train) },
      { name: 'test', count: data.test.count, perClass: perClass(data.test), from: data.testFrom },
    ],
    height: data.train.height, width: data.train.width, channels: data.train.channels, problems: data.skipped,
  };
}

/** Problems printed in full; the rest are counted. */
const PROBLEMS_SHOWN = 10;

/** Human-readable lines for `oqat data info --data` (the --json form prints the description itself). */
export function formatDataFolderDescription(d: DataFolderDescription): string {
  const splitLabel = (s: FolderSplitDescription) => `${s.name}${s.from === 'held-out' ? ' (held out)' : ''}`;
  const lines = [
    `dataset: ${d.layout} folder`,
    `path:    ${d.dir}`,
    `images:  ${d.width}x${d.height}, ${d.channels} channel${d.channels === 1 ? '' : 's'}, ${d.classNames.length} classes`,
    `splits:  ${d.splits.map((s) => `${splitLabel(s)} ${s.count}`).join(', ')}`,
  ];
  const counted = d.splits.filter((s) => s.perClass);
  if (counted.length > 0) {
    const width = Math.max(5, ...d.classNames.map((name) => name.length));
    lines.push(`  id ${'class'.padEnd(width)}${counted.map((s) => `  ${s.name.padStart(6)}`).join('')}`);
    d.classNames.forEach((name, c) => lines.push(`  ${String(c).padStart(2)} ${name.padEnd(width)}${counted.map((s) => `  ${String(s.perClass![c]).padStart(6)}`).join('')}`));
  } else if (d.classNames.length > 0) {
    lines.push(`classes: ${d.classNames.join(', ')}`);
  }
  lines.push(`problems: ${d.problems.length === 0 ? 'none' : `${d.problems.length} (left out with --skip-bad-files)`}`);
  for (const p of d.problems.slice(0, PROBLEMS_SHOWN)) lines.push(`  ${p.problem}`);
  if (d.problems.length > PROBLEMS_SHOWN) lines.push(`  … and ${d.problems.length - PROBLEMS_SHOWN} more (--json lists them all)`);
  return lines.join('\n');
}
