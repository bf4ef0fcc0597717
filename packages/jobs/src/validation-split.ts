import { splitValidation, type ImageDataset, type ValidationSplit } from '@oqat/data';

/** Which part of the training data is held out for the search; training never sees it. */
export interface ValidationSpec {
  seed: number;
  /** share of the training images held out, 0..0.5 */
  fraction: number;
}

export const DEFAULT_VALIDATION: ValidationSpec = { seed: 7, fraction: 0.1 };

export function validationSplitOf(train: ImageDataset, spec: ValidationSpec): ValidationSplit {
  return splitValidation(train, { seed: spec.seed, fraction: spec.fraction });
}
