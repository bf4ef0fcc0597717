import { Worker } from 'node:worker_threads';
import type { FromReplica, ReplicaInit, ToReplica } from './replica-protocol';

/**
 * Data-parallel training of the reference net on `replicas` worker threads,
 * each with its own single-thread wasm backend. Why: the threaded wasm build
 * only parallelises XNNPACK's ops, while a replica per core runs every op of
 * its share of the batch in parallel (our SIMD kernels included). BN
 * statistics are per replica (like PyTorch DDP without SyncBatchNorm).
 *
 * One message round trip per step: the averaged gradients of step k travel
 * with the data of step k+1; flush() applies the last ones.
 */
export interface DataParallelTrainer {
  /** one step on images [batch,32,32,1] and one-hot labels [batch,10]; resolves to the mean loss. */
  step(images: Float32Array, labels: Float32Array, batch: number): Promise<number>;
  /** applies the last step's averaged gradients. */
  flush(): Promise<void>;
  dispose(): Promise<void>;
}

function replicaWorker(init: ReplicaInit): Worker {
  const url = new URL('./replica-worker-bootstrap.mjs', import.meta.url);
  return new Worker(url, { workerData: init, execArgv: [] });
}

function nextMessage(worker: Worker): Promise<FromReplica> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromReplica) => {
      worker.off('error', onError);
      if (m.kind === 'error') reject(new Error(`reference-net replica: ${m.message}`));
      else resolve(m);
    };
    const onError = (err: Error) => {
      worker.off('message', onMessage);
      reject(err);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

export async function createDataParallelTrainer(replicas: number, init: ReplicaInit): Promise<DataParallelTrainer> {
  const workers = Array.from({ length: replicas }, () => replicaWorker(init));
  await Promise.all(workers.map(nextMessage));
  let pending: Float32Array | undefined;
  const imageSize = 32 * 32;
  const classes = 10;

  return {
    async step(images, labels, batch) {
      if (batch % replicas !== 0) throw new Error(`data-parallel step: batch ${batch} is not a multiple of ${replicas} replicas`);
      const share = batch / replicas;
      const replies = workers.map(nextMessage);
      workers.forEach((worker, r) => {
        const message: ToReplica = {
          kind: 'step',
          images: images.slice(r * share * imageSize, (r + 1) * share * imageSize),
          labels: labels.slice(r * share * classes, (r + 1) * share * classes),
          batch: share,
          applyGradients: pending,
        };
        worker.postMessage(message);
      });
      const results = (await Promise.all(replies)) as Array<Extract<FromReplica, { kind: 'gradients' }>>;
      const average = results[0]!.gradients;
      for (const other of results.slice(1)) for (let i = 0; i < average.length; i++) average[i]! += other.gradients[i]!;
      for (let i = 0; i < average.length; i++) average[i]! /= replicas;
      pending = average;
      return results.reduce((sum, r) => sum + r.loss, 0) / replicas;
    },
    async flush() {
      if (!pending) return;
      const replies = workers.map(nextMessage);
      for (const worker of workers) worker.postMessage({ kind: 'apply', gradients: pending } satisfies ToReplica);
      await Promise.all(replies);
      pending = undefined;
    },
    async dispose() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
