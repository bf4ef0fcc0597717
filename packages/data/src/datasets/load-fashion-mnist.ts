import type { ImageDataset } from '../types';
import { FASHION_MNIST_CLASSES, checkFashionMnistImages } from './fashion-mnist-files';
import { loadIdxDataset } from './idx-dataset';
import { resolveFashionMnist, type DatasetLocation, type ResolveDatasetOptions } from './resolve-fashion-mnist';

export interface FashionMnist {
  readonly location: DatasetLocation;
  readonly train: ImageDataset;
  /** Held out for the final report only: search and tuning use splitValidation(train). */
  readonly test: ImageDataset;
}

/** Resolves the copy to use (see resolveFashionMnist) and loads both splits. */
export async function loadFashionMnist(options: ResolveDatasetOptions = {}): Promise<FashionMnist> {
  const location = resolveFashionMnist(options);
  const [train, test] = await Promise.all([
    loadIdxDataset(location.files.train, FASHION_MNIST_CLASSES),
    loadIdxDataset(location.files.test, FASHION_MNIST_CLASSES),
  ]);
  for (const [split, ds] of [['train', train], ['test', test]] as const) {
    checkFashionMnistImages(location.files[split].images, split, [ds.count, ds.height, ds.width, ...(ds.channels === 1 ? [] : [ds.channels])]);
  }
  return { location, train, test };
}
