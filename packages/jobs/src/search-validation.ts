import { loadFashionMnist, takeItems, type ImageDataset, type SegmentationDataset } from '@oqat/data';
import type { Tensor } from '@oqat/engine';
import { bnBatches, evaluateSubnet, inputNormalization, loadClassificationData, loadFolderSplit, scenesOf, type LoadedSupernet, type SubnetSpec } from '@oqat/search';
import { dataCacheDir } from './data-folder';
import { validationSplitOf, type ValidationSpec } from './validation-split';

export interface SearchValidation {
  /** the checkpoint task's score of a subnet on the held-out split: top-1, or mIoU for segmentation */
  score: (spec: SubnetSpec) => number;
  /** what the score is, for logs */
  metric: 'top-1' | 'mIoU';
  /** the smallest step of the score: one held-out image for top-1; mIoU's, a fixed 1e-4 */
  resolution: number;
  /** held-out images (segmentation: scenes) each subnet is scored on; a queue worker checks it has the same */
  heldOut: number;
  dispose: () => void;
}

export interface SearchValidationOptions {
  validation: ValidationSpec;
  /** held-out images (segmentation: scenes) per subnet; 0 = the whole split (scenes: segmentation.testScenes) */
  validationImages: number;
  bnImages: number;
  seed: number;
  /** the work folder, whose data cache holds a data folder's decoded images */
  workDir?: string;
}

function firstN<T extends ImageDataset | SegmentationDataset>(d: T, n: number): T {
  return n > 0 && n < d.count ? (takeItems(d as ImageDataset, Int32Array.from({ length: n }, (_, i) => i)) as unknown as T) : d;
}

/**
 * The data a search scores subnets on, never seen in training: for
 * classification the held-out part of the training images; for
 * segmentation, scenes built from those held-out items (or a folder's val/
 * split), with BN statistics from training scenes.
 */
export async function searchValidation(loaded: LoadedSupernet, o: SearchValidationOptions): Promise<SearchValidation> {
  const { config } = loaded;
  const normalization = inputNormalization(config);
  let bn: Tensor[];
  if (loaded.task === 'segmentation') {
    const seg = config.segmentation;
    const space = loaded.net.space;
    let validation: SegmentationDataset;
    let train: SegmentationDataset;
    if (seg.folder) {
      const skip = { skipBadFiles: config.data.skipBadFiles };
      validation = firstN(await loadFolderSplit(seg, space, 'val', skip), o.validationImages);
      train = await loadFolderSplit(seg, space, 'train', skip);
    } else {
      const split = validationSplitOf((await loadFashionMnist({ source: config.data.source })).train, o.validation);
      validation = scenesOf(split.validation, seg, 'validation', o.validationImages || seg.testScenes);
      train = scenesOf(split.train, seg, 'train', Math.min(o.bnImages, seg.trainScenes));
    }
    bn = bnBatches(train, o.bnImages, 50, o.seed, normalization);
    const net = loaded.net;
    return {
      score: (spec) => evaluateSubnet(net, spec, { bn, test: validation, batchSize: 50, normalization }).score,
      metric: 'mIoU',
      resolution: 1e-4,
      heldOut: validation.count,
      dispose: () => bn.forEach((t) => t.dispose()),
    };
  }
  const data = await loadClassificationData(config.data, o.workDir && dataCacheDir(o.workDir));
  const validation = firstN(validationSplitOf(data.train, o.validation).validation, o.validationImages);
  bn = bnBatches(data.train, o.bnImages, 250, o.seed, normalization);
  const net = loaded.net;
  return {
    score: (spec) => evaluateSubnet(net, spec, { bn, test: validation, batchSize: 500, normalization }).score,
    metric: 'top-1',
    resolution: 1 / validation.count,
    heldOut: validation.count,
    dispose: () => bn.forEach((t) => t.dispose()),
  };
}
