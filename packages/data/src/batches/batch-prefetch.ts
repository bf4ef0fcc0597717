import { Worker } from 'node:worker_threads';
import type { ImageDataset, SegmentationDataset } from '../types';
import { resolveBatchOptions, type BatchOptions } from './batch-options';
import type { FromPrefetchWorker, PrefetchWorkerData, ToPrefetchWorker } from './batch-prefetch-protocol';
import type { BatchStream } from './batch-stream';
import type { FloatBatch } from './image-batches';
import type { FloatSegmentationBatch } from './segmentation-batches';

/**
 * Batches prepared ahead of the training step on a worker thread: while the
 * main thread runs step k (tfjs runs its kernels there, synchronously), the
 * worker gathers, resizes, augments and normalises batches k+1..k+depth with
 * the same generator (floatBatches / floatSegmentationBatches), so the step
 * finds its batch ready. Same (dataset, options) → the same bytes in the same
 * order as the generator run in place: results do not change.
 *
 * The dataset's pixels are copied once into shared memory (the worker reads
 * them, nothing is copied per batch); each batch's arrays are transferred
 * back. No tensors: the caller makes them from the batch, as before. The
 * thread is unref'd (it never keeps Node alive); dispose() ends it.
 */
export interface BatchPrefetcher<B> {
  /** One epoch, `depth` batches ahead, after skipping the first `skip` (a resumed run). Closes the previous epoch's stream. */
  epoch(options: BatchOptions, skip?: number): BatchStream<B>;
  dispose(): Promise<void>;
}

/** The dataset with its arrays in shared memory (as they are, when they already are). */
function shared<T extends Uint8Array>(a: T): Uint8Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new Uint8Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

export function sharedImageDataset(d: ImageDataset): ImageDataset {
  return { ...d, images: shared(d.images), labels: shared(d.labels) };
}

export function sharedSegmentationDataset(d: SegmentationDataset): SegmentationDataset {
  return { ...d, images: shared(d.images), masks: shared(d.masks) };
}

/** The thread failing is a bug (its inputs were checked on the caller's side), not a user error. */
const workerFailure = (detail: string): Error => new Error(`batchPrefetcher: the worker thread failed: ${detail}`);

function startPrefetcher<B extends FloatBatch | FloatSegmentationBatch>(init: PrefetchWorkerData, depth: number, height: number): BatchPrefetcher<B> {
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`startBatchPrefetcher: depth must be a positive integer, got ${depth}`);
  const worker = new Worker(new URL('./batch-prefetch-worker-bootstrap.mjs', import.meta.url), { workerData: init, execArgv: [] });
  worker.unref();
  let generation = 0;
  let failure: Error | undefined;
  // The current epoch's state; a message of another generation is dropped.
  let queue: B[] = [];
  let ended = false;
  let waiting: { resolve: (b: B | undefined) => void; reject: (e: Error) => void } | undefined;

  const send = (m: ToPrefetchWorker): void => worker.postMessage(m);
  const fail = (err: Error): void => {
    failure ??= err;
    waiting?.reject(failure);
    waiting = undefined;
  };
  worker.on('message', (m: FromPrefetchWorker) => {
    if (m.generation !== generation) return;
    if (m.kind === 'error') fail(workerFailure(m.message));
    else if (m.kind === 'end') {
      ended = true;
      waiting?.resolve(undefined);
      waiting = undefined;
    } else if (waiting) {
      waiting.resolve(m.batch as B);
      waiting = undefined;
      send({ kind: 'credit', generation });
    } else queue.push(m.batch as B);
  });
  worker.on('error', (err) => fail(workerFailure(err.stack ?? err.message)));
  worker.on('exit', (code) => fail(workerFailure(`the thread exited (code ${code})`)));

  return {
    epoch(options, skip = 0) {
      // The user's mistakes in the options surface here, on the caller's thread, as the generator's own errors.
      resolveBatchOptions('batchPrefetcher', options, height);
      if (waiting) throw new Error('batchPrefetcher: a new epoch was opened while a batch was awaited');
      generation++;
      queue = [];
      ended = false;
      const mine = generation;
      send({ kind: 'epoch', generation: mine, options, skip, credits: depth });
      return {
        next: () => {
          if (mine !== generation) return Promise.resolve(undefined);
          if (failure) return Promise.reject(failure);
          const b = queue.shift();
          if (b) {
            send({ kind: 'credit', generation: mine });
            return Promise.resolve(b);
          }
          if (ended) return Promise.resolve(undefined);
          return new Promise<B | undefined>((resolve, reject) => {
            waiting = { resolve, reject };
          });
        },
        close: () => {
          if (mine !== generation) return;
          send({ kind: 'close', generation: mine });
          generation++;
          queue = [];
          waiting?.resolve(undefined);
          waiting = undefined;
        },
      };
    },
    async dispose() {
      generation++;
      failure ??= workerFailure('disposed');
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

/** floatBatches(dataset, options) prepared `depth` batches ahead on a worker thread; pass a sharedImageDataset to avoid a copy. */
export function startImageBatchPrefetcher(dataset: ImageDataset, depth: number): BatchPrefetcher<FloatBatch> {
  return startPrefetcher({ task: 'classification', dataset: sharedImageDataset(dataset) }, depth, dataset.height);
}

/** floatSegmentationBatches(dataset, options) prepared `depth` batches ahead on a worker thread. */
export function startSegmentationBatchPrefetcher(dataset: SegmentationDataset, depth: number): BatchPrefetcher<FloatSegmentationBatch> {
  return startPrefetcher({ task: 'segmentation', dataset: sharedSegmentationDataset(dataset) }, depth, Math.min(dataset.height, dataset.width));
}
