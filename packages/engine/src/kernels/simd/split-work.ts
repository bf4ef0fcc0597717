import type { SimdHeap, TrainingKernelExports } from './training-kernels';

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

/**
 * Calls kernel `name` on `rows` rows, args(first, count, part) giving its
 * arguments for rows [first, first + count): once here, or (see splitPoint)
 * part 0 here and part 1 on the helper thread. Returns how many parts ran,
 * so that callers with per-part partial results know what to combine.
 */
export function runRows(
  simd: SimdHeap,
  name: keyof TrainingKernelExports,
  rows: number,
  work: number,
  args: (first: number, count: number, part: 0 | 1) => number[],
): 1 | 2 {
  const call = simd.kernels[name] as (...a: number[]) => void;
  const mid = splitPoint(simd, rows, work);
  if (mid === undefined) {
    call(...args(0, rows, 0));
    return 1;
  }
  simd.helper!.both(name, args(mid, rows - mid, 1), () => call(...args(0, mid, 0)));
  return 2;
}
