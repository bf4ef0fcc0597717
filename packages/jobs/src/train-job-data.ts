import { loadClassificationData, loadSegmentationData, resolveSearchSpace, type SegmentationSplits, type TrainConfig } from '@oqat/search';
import type { ImageDataset } from '@oqat/data';
import { dataCacheDir } from './data-folder';
import { validationSplitOf, type ValidationSpec } from './validation-split';

/** What a train job trains on, read before training starts. */
export interface TrainJobData {
  /** the config to train, with a data folder's own pixel statistics in data.normalization (kept in the checkpoint) */
  config: TrainConfig;
  /** classification images without the held-out validation part (segmentation builds its scenes from these) */
  dataset: { train: ImageDataset; test: ImageDataset };
  /** a segmentation folder's splits, read here for their statistics and skipped pairs */
  segmentation?: SegmentationSplits;
  /** one line per kind of bad file left out with skipBadFiles, for the run's log */
  warnings: string[];
}

/**
 * Reads a train job's data: Fashion-MNIST or a class folder (its cache), and
 * a segmentation folder's splits. A folder's training pixels' mean/std become
 * the config's input normalization, so the checkpoint, the search and the
 * export scale inputs as the training did (classification and segmentation alike).
 */
export async function trainJobData(parsed: TrainConfig, workDir: string, validation: ValidationSpec): Promise<TrainJobData> {
  const warnings: string[] = [];
  // Segmentation builds its scenes from these items, so held-out items stay out of its scenes too.
  const data = await loadClassificationData(parsed.data, dataCacheDir(workDir));
  const dataset = { train: validationSplitOf(data.train, validation).train, test: data.test };
  if (data.skipped.length > 0) warnings.push(`skipped ${data.skipped.length} bad file(s) of ${parsed.data.folder}, the first: ${data.skipped[0]!.problem}`);
  const segmentation = parsed.task === 'segmentation' && parsed.segmentation.folder
    ? await loadSegmentationData(parsed, resolveSearchSpace(parsed.space))
    : undefined;
  const pairs = segmentation?.skipped ?? [];
  if (pairs.length > 0) warnings.push(`skipped ${pairs.length} bad image/mask pair(s) of ${parsed.segmentation.folder}, the first: ${pairs[0]!.problem}`);
  const normalization = data.normalization ?? segmentation?.normalization;
  const config = normalization ? { ...parsed, data: { ...parsed.data, normalization } } : parsed;
  return { config, dataset, ...(segmentation ? { segmentation } : {}), warnings };
}
