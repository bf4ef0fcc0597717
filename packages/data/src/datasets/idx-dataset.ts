import { IdxCountMismatchError, IdxRankError, LabelOutOfRangeError } from '../errors';
import { readIdxFile } from '../idx/read-idx-file';
import type { ImageDataset } from '../types';

export interface IdxDatasetFiles {
  /** IDX ubyte file of shape [count, height, width] (or [count, height, width, channels]). */
  readonly images: string;
  /** IDX ubyte file of shape [count]. */
  readonly labels: string;
}

/** Loads one split stored as an images/labels IDX pair (raw or gzip) and checks they agree. */
export async function loadIdxDataset(files: IdxDatasetFiles, classNames: readonly string[]): Promise<ImageDataset> {
  const [images, labels] = await Promise.all([readIdxFile(files.images), readIdxFile(files.labels)]);
  if (images.dims.length !== 3 && images.dims.length !== 4) throw new IdxRankError(files.images, 3, images.dims);
  if (labels.dims.length !== 1) throw new IdxRankError(files.labels, 1, labels.dims);
  const [count, height, width, channels = 1] = images.dims as [number, number, number, number?];
  if (labels.dims[0] !== count) throw new IdxCountMismatchError(files.images, count, files.labels, labels.dims[0]!);
  for (let i = 0; i < count; i++) {
    if (labels.data[i]! >= classNames.length) {
      throw new LabelOutOfRangeError(files.labels, i, labels.data[i]!, classNames.length);
    }
  }
  return { images: images.data, labels: labels.data, count, height, width, channels, classNames };
}
