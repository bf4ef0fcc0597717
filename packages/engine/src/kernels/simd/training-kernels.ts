import type { tf, TensorInfo } from '../../tf';
import { TRAINING_KERNELS_PLAIN, TRAINING_KERNELS_SHARED } from './training-kernels.wasm';
import { webAssembly, type WasmMemory } from './web-assembly';
import { startKernelHelper, type KernelHelper } from './kernel-helper';

/** The exports of conv-gradient-kernels.c, batch-norm-kernels.c, lsq-kernels.c and activation-kernels.c (pointers are byte offsets in the tfjs heap). */
export interface TrainingKernelExports {
  dw_filter_grad(
    x: number, dy: number, out: number, partial: number, total: number,
    n: number, h: number, w: number, c: number, ho: number, wo: number,
    kh: number, kw: number, sh: number, sw: number, pt: number, pl: number,
  ): void;
  conv_filter_grad(
    x: number, dy: number, out: number, rows: number,
    n: number, h: number, w: number, ci: number, ho: number, wo: number, co: number,
    kh: number, kw: number, sh: number, sw: number, pt: number, pl: number,
  ): void;
  channel_sums(x: number, sums: number, partial: number, pixels: number, c: number): void;
  bn_grad_sums(dy: number, y: number, x: number, gout: number, sums: number, partial: number, pixels: number, c: number, relu: number): void;
  bn_grad_apply(g: number, x: number, coef: number, dx: number, pixels: number, c: number): void;
  dw_input_grad(
    dy: number, filter: number, dx: number,
    n: number, h: number, w: number, c: number, ho: number, wo: number,
    kh: number, kw: number, sh: number, sw: number, pt: number, pl: number,
  ): void;
  sgd_momentum(
    w: number, v: number, g: number, wOut: number, vOut: number, count: number, lr: number, m: number,
    wd: number, scale: number, nesterov: number, bounded: number,
  ): void;
  scale_shift(x: number, coef: number, y: number, pixels: number, c: number, relu: number): void;
  lsq_forward(x: number, step: number, q: number, rows: number, c: number, lo: number, hi: number): void;
  lsq_backward(
    dy: number, x: number, step: number, dx: number, sums: number, partial: number,
    rows: number, c: number, lo: number, hi: number,
  ): void;
  act_forward(x: number, y: number, count: number, kind: number): void;
  act_backward(dy: number, x: number, dx: number, count: number, kind: number): void;
}

/** The parts of tfjs's BackendWasm these kernels rely on. */
interface BackendWasmLike {
  wasm: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object): boolean;
}

/** A backend with our SIMD kernels bound to its heap, plus heap helpers. */
export interface SimdHeap {
  kernels: TrainingKernelExports;
  memory: WasmMemory;
  /** a new float32 tensor buffer of `shape` in the heap. */
  alloc(shape: number[]): TensorInfo;
  offset(info: TensorInfo): number;
  free(info: TensorInfo): void;
  view(info: TensorInfo): Float32Array;
  /**
   * A second thread for splitting a kernel call in two (threaded build only,
   * i.e. shared memory; OQAT_WASM_KERNEL_HELPER=0 turns it off).
   */
  helper?: KernelHelper;
}

const instances = new WeakMap<object, SimdHeap>();

function decode(base64: string): Uint8Array {
  return Uint8Array.from(Buffer.from(base64, 'base64'));
}

/**
 * Binds the SIMD training kernels to a wasm backend's heap (once per backend
 * instance). The module imports the backend's own WasmMemory, so it
 * works on tensors in place; the shared-memory build is used with the
 * threaded tfjs binary. Throws when the backend is not tfjs's BackendWasm.
 */
export function simdHeap(kernelName: string, backend: tf.KernelBackend): SimdHeap {
  const cached = instances.get(backend);
  if (cached) return cached;
  const b = backend as unknown as BackendWasmLike;
  const memory = b.wasm?.wasmMemory ?? b.wasm?.asm?.memory;
  if (!memory || typeof b.getMemoryOffset !== 'function') {
    throw new Error(`wasm ${kernelName}: the active backend is not tfjs's BackendWasm`);
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = decode(shared ? TRAINING_KERNELS_SHARED : TRAINING_KERNELS_PLAIN);
  const instance = new webAssembly.Instance(new webAssembly.Module(bytes), { env: { memory } });
  const kernels = instance.exports as unknown as TrainingKernelExports;
  const heap: SimdHeap = {
    kernels,
    memory,
    alloc: (shape) => b.makeOutput(shape, 'float32'),
    offset: (info) => b.getMemoryOffset(info.dataId),
    free: (info) => void b.disposeData(info.dataId),
    // memory.buffer is always the current one (tfjs's HEAPU8 can lag a heap
    // growth made from a pthread in the threaded build).
    view: (info) => new Float32Array(memory.buffer, b.getMemoryOffset(info.dataId), info.shape.reduce((a, c) => a * c, 1)),
  };
  if (shared && process.env.OQAT_WASM_KERNEL_HELPER !== '0') {
    const control = heap.alloc([64]); // lives as long as the backend
    heap.helper = startKernelHelper(bytes, memory, heap.offset(control), kernels);
  }
  instances.set(backend, heap);
  return heap;
}
