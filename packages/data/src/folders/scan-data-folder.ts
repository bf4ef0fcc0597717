import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DatasetNotFoundError } from '../errors';
import { locateFashionMnist } from '../datasets/resolve-fashion-mnist';
import { IMAGE_EXTENSIONS } from './decode-image';

/** How a dataset folder is laid out. */
export type FolderLayout = 'classification' | 'segmentation' | 'idx';

/** One class folder of a split: its name and image files (absolute paths, in name order). */
export interface ClassFiles {
  readonly className: string;
  readonly dir: string;
  readonly files: readonly string[];
}

/** A classification folder's files: train's classes, and test's when the folder has a test/ split. */
export interface ClassificationScan {
  readonly layout: 'classification';
  readonly dir: string;
  readonly train: readonly ClassFiles[];
  readonly test?: readonly ClassFiles[];
}

export type DataFolderScan =
  | ClassificationScan
  /** images/ and masks/, directly or under train/ (test/, val/) */
  | { readonly layout: 'segmentation'; readonly dir: string; readonly splits: readonly string[] }
  /** the Fashion-MNIST IDX files */
  | { readonly layout: 'idx'; readonly dir: string };

const SEGMENTATION_SPLITS = ['train', 'val', 'test'];

async function entries(dir: string): Promise<Array<{ name: string; isDir: boolean }>> {
  const found = await readdir(dir, { withFileTypes: true });
  return found
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => ({ name: e.name, isDir: e.isDirectory() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Image files under `dir`, sub-folders included (as torchvision's ImageFolder), in path order. */
async function imageFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await entries(dir)) {
    const path = join(dir, e.name);
    if (e.isDir) out.push(...(await imageFiles(path)));
    else if (IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(path);
  }
  return out;
}

/** Each sub-folder of `dir` is a class (sorted by name, so ids are stable); `skip` names folders that are not. */
async function classFolders(dir: string, skip: readonly string[] = []): Promise<ClassFiles[]> {
  const classes = (await entries(dir)).filter((e) => e.isDir && !skip.includes(e.name));
  return Promise.all(classes.map(async ({ name }) => ({ className: name, dir: join(dir, name), files: await imageFiles(join(dir, name)) })));
}

const isDir = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * Finds what a dataset folder holds, reading names only:
 * - the four Fashion-MNIST IDX files: 'idx';
 * - images/ and masks/ (directly, or in train/, val/, test/): 'segmentation';
 * - one sub-folder of PNG/JPEG images per class, either directly (a test/
 *   sub-folder then holds the test split's class folders) or in train/ and
 *   test/: 'classification'.
 */
export async function scanDataFolder(dir: string): Promise<DataFolderScan> {
  if (!(await isDir(dir))) {
    throw new DatasetNotFoundError(`scanDataFolder: ${dir} is not a folder`, 'pass the folder that holds the class folders (or images/ and masks/, or the IDX files)');
  }
  if ('files' in locateFashionMnist(dir, 'env')) return { layout: 'idx', dir };
  const hasSegmentation = async (d: string) => (await isDir(join(d, 'images'))) && (await isDir(join(d, 'masks')));
  if (await hasSegmentation(dir)) return { layout: 'segmentation', dir, splits: [] };
  const splits: string[] = [];
  for (const split of SEGMENTATION_SPLITS) if (await hasSegmentation(join(dir, split))) splits.push(split);
  if (splits.length > 0) return { layout: 'segmentation', dir, splits };

  const trainDir = join(dir, 'train');
  const testDir = join(dir, 'test');
  const split = await isDir(trainDir);
  const train = await classFolders(split ? trainDir : dir, split ? [] : ['test']);
  if (train.length === 0) {
    throw new DatasetNotFoundError(
      `scanDataFolder: ${dir} holds no class folders, images/ and masks/, or Fashion-MNIST IDX files`,
      'put each class in its own sub-folder of PNG or JPEG images (optionally under train/ and test/)',
    );
  }
  const test = (await isDir(testDir)) ? await classFolders(testDir) : undefined;
  return { layout: 'classification', dir, train, ...(test ? { test } : {}) };
}
