import { InvalidDataOptionError } from '../errors';
import { createRng, derive } from '@oqat/core';
import type { ImageDataset } from '../types';
import { indicesByClass } from './select-balanced';
import { takeItems } from './take-items';

export interface ValidationSplitOptions {
  /** Share of each class moved to validation, in (0, 1). Default 0.1. */
  readonly fraction?: number;
  /** Seed of the split; the same seed gives the same split. */
  readonly seed: number;
}

export interface ValidationSplit {
  readonly train: ImageDataset;
  readonly validation: ImageDataset;
}

/**
 * Carves a validation set out of the training split, stratified per class, so
 * that architecture search ranks candidates without ever seeing test data.
 * Both parts keep the source's file order.
 */
export function splitValidation(dataset: ImageDataset, options: ValidationSplitOptions): ValidationSplit {
  const fraction = options.fraction ?? 0.1;
  if (!(fraction > 0 && fraction < 1)) {
    throw new InvalidDataOptionError('splitValidation', 'fraction', fraction, 'between 0 and 1 (exclusive)');
  }
  const rng = createRng(derive(options.seed, 'validation-split'));
  const isValidation = new Uint8Array(dataset.count);
  for (const group of indicesByClass(dataset.labels, dataset.classNames.length)) {
    const take = Math.round(group.length * fraction);
    for (const index of rng.shuffle(group.slice()).slice(0, take)) isValidation[index] = 1;
  }
  const trainIndices: number[] = [];
  const validationIndices: number[] = [];
  for (let i = 0; i < dataset.count; i++) (isValidation[i] ? validationIndices : trainIndices).push(i);
  return { train: takeItems(dataset, trainIndices), validation: takeItems(dataset, validationIndices) };
}
