import { parentPort, workerData } from 'node:worker_threads';
import type { FromPrefetchWorker, PrefetchWorkerData, ToPrefetchWorker } from './batch-prefetch-protocol';
import { floatBatches, type FloatBatch } from './image-batches';
import { floatSegmentationBatches, type FloatSegmentationBatch } from './segmentation-batches';

// The worker side of startBatchPrefetcher: runs the very generators the main
// thread would (floatBatches / floatSegmentationBatches), one batch per credit.
// Imports no tfjs: only the batch code and @oqat/core's rng.
const init = workerData as PrefetchWorkerData;
const port = parentPort!;
type Batch = FloatBatch | FloatSegmentationBatch;

let generation = -1;
let batches: Generator<Batch, void, undefined> | undefined;
let credits = 0;
let scheduled = false;

const post = (m: FromPrefetchWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

function pump(): void {
  scheduled = false;
  if (!batches || credits <= 0) return;
  const g = generation;
  try {
    const r = batches.next();
    if (r.done) {
      batches = undefined;
      post({ kind: 'end', generation: g });
      return;
    }
    credits--;
    const b = r.value;
    const transfer = [b.images.buffer, b.indices.buffer, ('labels' in b ? b.labels : b.masks).buffer] as ArrayBuffer[];
    post({ kind: 'batch', generation: g, batch: b }, transfer);
  } catch (err) {
    batches = undefined;
    post({ kind: 'error', generation: g, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return;
  }
  // One batch per turn of the event loop, so a new epoch or a close is seen between batches.
  schedule();
}

function schedule(): void {
  if (!scheduled && batches && credits > 0) {
    scheduled = true;
    setImmediate(pump);
  }
}

port.on('message', (m: ToPrefetchWorker) => {
  if (m.kind === 'epoch') {
    batches?.return();
    generation = m.generation;
    batches = init.task === 'classification' ? floatBatches(init.dataset, m.options) : floatSegmentationBatches(init.dataset, m.options);
    credits = m.credits;
    try {
      for (let i = 0; i < m.skip; i++) {
        if (batches.next().done) break;
      }
    } catch (err) {
      batches = undefined;
      post({ kind: 'error', generation, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      return;
    }
  } else if (m.generation !== generation) {
    return;
  } else if (m.kind === 'credit') {
    credits++;
  } else {
    batches?.return();
    batches = undefined;
  }
  schedule();
});
