import { loadFashionMnist, loadImageFolder, pixelStatistics, scanDataFolder, type BadFile, type ImageDataset, type Normalization } from '@oqat/data';
import type { TrainConfig } from '../config/train-config';

/** A run's labelled images, with the pixel statistics of a dataset folder's training split and its skipped bad files. */
export interface ClassificationSplits {
  train: ImageDataset;
  test: ImageDataset;
  /** a folder's own statistics (Fashion-MNIST runs use the config's) */
  normalization?: Normalization;
  skipped: readonly BadFile[];
}

/**
 * The classification images a config names: its data.folder (class folders
 * of PNG/JPEG, decoded once into `cacheDir` when given, or IDX files), else
 * the Fashion-MNIST copy data.source picks.
 */
export async function loadClassificationData(data: TrainConfig['data'], cacheDir?: string): Promise<ClassificationSplits> {
  if (!data.folder) return { ...(await loadFashionMnist({ source: data.source })), skipped: [] };
  if ((await scanDataFolder(data.folder)).layout === 'idx') {
    const idx = await loadFashionMnist({ env: { OQAT_DATA: data.folder } });
    return { train: idx.train, test: idx.test, normalization: pixelStatistics(idx.train), skipped: [] };
  }
  return loadImageFolder(data.folder, { skipBadFiles: data.skipBadFiles, resizeToCommonSize: data.resizeImages, ...(cacheDir ? { cacheDir } : {}) });
}
