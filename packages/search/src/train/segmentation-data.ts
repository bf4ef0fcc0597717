import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadFashionMnist, loadPngSegmentationFolder, makeSegmentationScenes, pixelStatistics, segmentationClassNames,
  type BadFile, type ImageDataset, type Normalization, type SegmentationDataset, type SegmentationFolderData,
} from '@oqat/data';
import { derive } from '@oqat/core';
import type { SearchSpace } from '@oqat/latency';
import type { SegmentationDataConfig, TrainConfig } from '../config/train-config';
import { InvalidTrainConfigError } from '../errors';

export interface SegmentationSplits {
  train: SegmentationDataset;
  test: SegmentationDataset;
  /** a folder's own pixel statistics (of its training split); scenes use the config's */
  normalization?: Normalization;
  /** a folder's image/mask pairs left out with data.skipBadFiles */
  skipped?: readonly BadFile[];
}

/** Items (a classification dataset's train and test splits) that scenes are built from. */
export interface SceneItems {
  train: ImageDataset;
  test: ImageDataset;
}

/** Scenes from a split's items: layouts depend on (segmentation.seed, split, scene index) only. */
export function scenesOf(items: ImageDataset, seg: SegmentationDataConfig, split: 'train' | 'test' | 'validation', count: number): SegmentationDataset {
  return makeSegmentationScenes(items, { count, seed: derive(seg.seed, 'scenes', split), canvasSize: seg.canvasSize });
}

/**
 * Reads one split of a segmentation folder (<folder>/<split>/images, masks),
 * with the space's channel count and the folder's classes.txt when it has
 * one; `skipBadFiles` (the run's data.skipBadFiles) leaves bad pairs out.
 */
export async function loadFolderSplit(
  seg: SegmentationDataConfig, space: SearchSpace, split: 'train' | 'val' | 'test', options: { skipBadFiles?: boolean } = {},
): Promise<SegmentationFolderData> {
  const dir = join(seg.folder, split);
  if (!existsSync(dir)) {
    throw new InvalidTrainConfigError('segmentation.folder', `has no '${split}' subfolder (${dir}); lay it out as ${split}/images/*.png and ${split}/masks/*.png`);
  }
  if (space.inputC !== 1 && space.inputC !== 3) {
    throw new InvalidTrainConfigError('space', `inputC must be 1 or 3 to read PNG images, got ${space.inputC}`);
  }
  const classNames = await segmentationClassNames(seg.folder);
  const data = await loadPngSegmentationFolder(dir, { channels: space.inputC, skipBadFiles: options.skipBadFiles ?? false, ...(classNames ? { classNames } : {}) });
  if (data.classNames.length > space.numClasses) {
    throw new InvalidTrainConfigError('space', `numClasses (${space.numClasses}) is below the ${data.classNames.length} mask values found in ${dir}; raise it`);
  }
  return data;
}

/**
 * The segmentation train and test splits of a run: PNG folder splits (with
 * their training pixels' mean/std and the pairs skipped), or
 * scenes built from Fashion-MNIST items (`items` when given, else the copy
 * data.source names): train scenes from training items, test scenes from
 * test items.
 */
export async function loadSegmentationData(config: TrainConfig, space: SearchSpace, items?: SceneItems): Promise<SegmentationSplits> {
  const seg = config.segmentation;
  if (seg.folder) {
    const skip = { skipBadFiles: config.data.skipBadFiles };
    const train = await loadFolderSplit(seg, space, 'train', skip);
    const test = await loadFolderSplit(seg, space, 'test', skip);
    return { train, test, normalization: pixelStatistics(train), skipped: [...train.skipped, ...test.skipped] };
  }
  const source = items ?? (await loadFashionMnist({ source: config.data.source }));
  const classes = source.train.classNames.length + 1;
  if (space.numClasses !== classes || space.inputC !== source.train.channels) {
    throw new InvalidTrainConfigError('space', `scenes have ${source.train.channels} channel(s) and ${classes} classes (background + the items'); the space has ${space.inputC} and ${space.numClasses}`);
  }
  return { train: scenesOf(source.train, seg, 'train', seg.trainScenes), test: scenesOf(source.test, seg, 'test', seg.testScenes) };
}
