import type { tf, TensorInfo } from '../../tf';

/**
 * The two BackendWasm methods our heap kernels use: tensors live in the wasm
 * heap, so a JS kernel can read its inputs and write a freshly allocated
 * output in place, with no copy in or out.
 */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

export function asWasmHeapBackend(kernel: string, backend: tf.KernelBackend): WasmHeapBackend {
  const candidate = backend as unknown as Partial<WasmHeapBackend>;
  if (typeof candidate.makeOutput !== 'function' || typeof candidate.typedArrayFromHeap !== 'function') {
    throw new Error(`wasm ${kernel}: the active backend is not tfjs's BackendWasm`);
  }
  return candidate as WasmHeapBackend;
}

/** Allocates the output first (allocation may grow the heap), then views the inputs. */
export function heapViews(
  heap: WasmHeapBackend,
  outShape: number[],
  inputs: TensorInfo[],
): { out: TensorInfo; outData: Float32Array; inData: Float32Array[] } {
  const out = heap.makeOutput(outShape, 'float32');
  const outData = heap.typedArrayFromHeap(out);
  const inData = inputs.map((info) => heap.typedArrayFromHeap(info));
  return { out, outData, inData };
}
