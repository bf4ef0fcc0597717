import type { ImageDataset } from '../types';

/** A new dataset holding the items at `indices`, in that order (pixels are copied). */
export function takeItems(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const itemBytes = dataset.height * dataset.width * dataset.channels;
  const images = new Uint8Array(indices.length * itemBytes);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    images.set(dataset.images.subarray(index * itemBytes, (index + 1) * itemBytes), i * itemBytes);
    labels[i] = dataset.labels[index]!;
  }
  return { ...dataset, images, labels, count: indices.length };
}
