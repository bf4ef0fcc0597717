import type { SimdHeap } from './training-kernels';

/** Below this many multiply-adds a kernel call is not worth handing to the helper thread. */
const MIN_SPLIT_WORK = 100_000;

/**
 * Splits `count` items (images, pixels) in two at `mid` when the helper
 * thread exists and the work is large enough, else returns undefined.
 */
export function splitPoint(simd: SimdHeap, count: number, work: number): number | undefined {
  if (!simd.helper || count < 2 || work < MIN_SPLIT_WORK) return undefined;
  return Math.floor(count / 2);
}

/** target[i] += source[i]: combines the helper's partial result with ours. */
export function addInto(target: Float32Array | Float64Array, source: Float32Array | Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i]! += source[i]!;
}
