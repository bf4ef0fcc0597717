import { InvalidDataOptionError } from '../errors';
import { UNIT_RANGE } from '../transforms/normalize';
import type { Normalization } from '../types';

export interface AugmentOptions {
  /** Largest shift of pad-and-crop, in output pixels; 0 disables it. */
  readonly padCrop?: number;
  /** Mirror left–right with probability 1/2. */
  readonly flip?: boolean;
}

export interface BatchOptions {
  readonly batchSize: number;
  /** Run seed; shuffling and augmentation use sub-seeds derived from (seed, phase, epoch). */
  readonly seed: number;
  /** Epoch number: each epoch gets its own order and augmentation. Default 0. */
  readonly epoch?: number;
  /** Default true; false keeps file order (evaluation). */
  readonly shuffle?: boolean;
  /** Output side length in pixels (square); default the dataset's height. Ignored by segmentation batches. */
  readonly resolution?: number;
  /** true = { padCrop: round(resolution / 8), flip: true }; default false (no augmentation). */
  readonly augment?: boolean | AugmentOptions;
  /** Applied after augmentation; default UNIT_RANGE (pixels / 255). */
  readonly normalize?: Normalization;
  /** Drop a last batch smaller than batchSize. Default false. */
  readonly dropLast?: boolean;
}

/** BatchOptions with every default filled in — the one place defaults live. */
export interface ResolvedBatchOptions {
  readonly batchSize: number;
  readonly seed: number;
  readonly epoch: number;
  readonly shuffle: boolean;
  readonly resolution: number;
  readonly padCrop: number;
  readonly flip: boolean;
  readonly normalize: Normalization;
  readonly dropLast: boolean;
}

const positiveInteger = (value: number): boolean => Number.isInteger(value) && value > 0;

export function resolveBatchOptions(operation: string, options: BatchOptions, datasetHeight: number): ResolvedBatchOptions {
  const resolution = options.resolution ?? datasetHeight;
  if (!positiveInteger(options.batchSize)) {
    throw new InvalidDataOptionError(operation, 'batchSize', options.batchSize, 'a positive integer');
  }
  if (!positiveInteger(resolution)) {
    throw new InvalidDataOptionError(operation, 'resolution', resolution, 'a positive integer');
  }
  const epoch = options.epoch ?? 0;
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new InvalidDataOptionError(operation, 'epoch', epoch, 'a non-negative integer');
  }
  const augment: AugmentOptions =
    options.augment === true ? { padCrop: Math.round(resolution / 8), flip: true } : options.augment || {};
  const padCrop = augment.padCrop ?? 0;
  if (!Number.isInteger(padCrop) || padCrop < 0 || padCrop >= resolution) {
    throw new InvalidDataOptionError(operation, 'augment.padCrop', padCrop, `an integer in 0..${resolution - 1}`);
  }
  const normalize = options.normalize ?? UNIT_RANGE;
  if (!(normalize.std > 0)) {
    throw new InvalidDataOptionError(operation, 'normalize.std', normalize.std, 'a positive number');
  }
  return {
    batchSize: options.batchSize,
    seed: options.seed,
    epoch,
    shuffle: options.shuffle ?? true,
    resolution,
    padCrop,
    flip: augment.flip ?? false,
    normalize,
    dropLast: options.dropLast ?? false,
  };
}

/** Number of batches an epoch yields. */
export function batchCount(itemCount: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(itemCount / batchSize) : Math.ceil(itemCount / batchSize);
}
