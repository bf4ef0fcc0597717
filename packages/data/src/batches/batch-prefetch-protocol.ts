import type { ImageDataset, SegmentationDataset } from '../types';
import type { BatchOptions } from './batch-options';
import type { FloatBatch } from './image-batches';
import type { FloatSegmentationBatch } from './segmentation-batches';

/** What the prefetch worker is started with: the training split in shared memory (read, never copied per batch). */
export type PrefetchWorkerData =
  | { readonly task: 'classification'; readonly dataset: ImageDataset }
  | { readonly task: 'segmentation'; readonly dataset: SegmentationDataset };

/** Main thread → worker. `generation` numbers the epochs; a batch of an older generation is dropped. */
export type ToPrefetchWorker =
  | { readonly kind: 'epoch'; readonly generation: number; readonly options: BatchOptions; readonly skip: number; readonly credits: number }
  | { readonly kind: 'credit'; readonly generation: number }
  | { readonly kind: 'close'; readonly generation: number };

/** Worker → main thread. A batch's arrays are transferred, not copied. */
export type FromPrefetchWorker =
  | { readonly kind: 'batch'; readonly generation: number; readonly batch: FloatBatch | FloatSegmentationBatch }
  | { readonly kind: 'end'; readonly generation: number }
  | { readonly kind: 'error'; readonly generation: number; readonly message: string };
