/**
 * One epoch of batches taken one at a time. `next()` resolves to undefined
 * after the last batch; `close()` drops the rest (a phase that ends mid-epoch,
 * an aborted run). A stream computed in place and one prepared ahead on a
 * worker thread (`startBatchPrefetcher`) yield the same batches in the same order.
 */
export interface BatchStream<B> {
  next(): Promise<B | undefined>;
  close(): void;
}

/** A generator as a BatchStream, each batch computed when asked for, after skipping the first `skip`. */
export function inPlaceBatchStream<B>(batches: Iterator<B, void, undefined>, skip = 0): BatchStream<B> {
  let closed = false;
  for (let i = 0; i < skip; i++) if (batches.next().done) break;
  return {
    next: async () => {
      if (closed) return undefined;
      const r = batches.next();
      if (r.done) {
        closed = true;
        return undefined;
      }
      return r.value;
    },
    close: () => {
      closed = true;
      batches.return?.();
    },
  };
}

/** A stream whose batches are mapped on the way out (e.g. to a trainer's own batch type). */
export function mapBatchStream<A, B>(stream: BatchStream<A>, map: (a: A) => B): BatchStream<B> {
  return {
    next: async () => {
      const a = await stream.next();
      return a === undefined ? undefined : map(a);
    },
    close: () => stream.close(),
  };
}
