import { join } from 'node:path';
import { describeDataFolder, loadImageFolder, scanDataFolder } from '@oqat/data';
import { spaceForData, type SearchSpace, type Task } from '@oqat/search';
import type { CallerFiles } from './caller-files';
import { JobConfigError } from './errors';
import type { RunConfig } from './run-defaults';

/** A run's data folder, checked: where it is, the task its layout trains, the space fitted to it. */
export interface RunDataFolder {
  /** absolute, links resolved */
  dir: string;
  task: Task;
  space: SearchSpace;
}

/** Where a work folder keeps decoded dataset folders (one file per folder content; see @oqat/data's loadImageFolder). */
export function dataCacheDir(workDir: string): string {
  return join(workDir, 'data-cache');
}

/** Splits a segmentation folder must have for a run: training, the search's validation, the reports' test. */
const SEGMENTATION_RUN_SPLITS = ['train', 'val', 'test'];

/**
 * The data folder a run config names, checked before the run exists: found
 * by the caller-path rules, decoded once into the work folder's data cache
 * (which the run then reads), bad data thrown as its one-line error naming
 * the file (unless skipBadFiles), and the config's space fitted to the
 * images' channels, classes and size.
 */
export async function runDataFolder(config: RunConfig, files: CallerFiles, workDir: string): Promise<RunDataFolder> {
  const dir = await files.dataFolder('dataPath', config.dataPath);
  const scan = await scanDataFolder(dir);
  if (scan.layout === 'segmentation') {
    const missing = SEGMENTATION_RUN_SPLITS.filter((split) => !scan.splits.includes(split));
    if (missing.length > 0) {
      throw new JobConfigError('dataPath', `${dir} is a segmentation folder without ${missing.map((s) => `${s}/`).join(', ')}: a run trains on train/, searches on val/ and reports on test/, each holding images/ and masks/`);
    }
    const described = await describeDataFolder(dir);
    // With skipBadFiles the bad pairs are left out (the run's log counts them); a split with none usable still stops the run.
    const unusable = SEGMENTATION_RUN_SPLITS.filter((split) => !described.splits.some((s) => s.name === split));
    const stopping = config.skipBadFiles ? described.problems.filter((p) => unusable.some((split) => p.file === join(dir, split))) : described.problems;
    if (stopping.length > 0) throw new JobConfigError('dataPath', stopping[0]!.problem);
    // The segmentation folder reader gives RGB; the masks' values are the classes.
    const shape = { channels: 3, classes: described.classNames.length, height: described.height, width: described.width };
    return { dir, task: 'segmentation', space: spaceForData('segmentation-scenes', shape) };
  }
  if (config.task === 'segmentation') {
    throw new JobConfigError('task', `segmentation needs images/ and masks/ in ${dir}, which holds ${scan.layout === 'idx' ? 'IDX files' : 'class folders'}: train it as classification`);
  }
  const train = scan.layout === 'idx'
    ? await describeDataFolder(dir)
    : (await loadImageFolder(dir, { skipBadFiles: config.skipBadFiles, resizeToCommonSize: config.resizeImages, cacheDir: dataCacheDir(workDir) })).train;
  const shape = { channels: train.channels, classes: train.classNames.length, height: train.height, width: train.width };
  return { dir, task: 'classification', space: spaceForData(config.space, shape) };
}
