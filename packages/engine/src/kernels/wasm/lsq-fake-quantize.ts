import type { tf, KernelConfig, TensorInfo } from '../../tf';
import { LsqFakeQuantize } from '../../kernel-names';
import type { LsqFakeQuantizeAttrs, LsqFakeQuantizeInputs } from '../../kernel-names';
import { simdHeap, type SimdHeap, type TrainingKernelExports } from '../simd/training-kernels';
import { runRows } from '../simd/split-work';

/** Shortest kernel row: per-tensor and few-channel steps are tiled to at least this many lanes. */
const MIN_WIDTH = 64;

/**
 * How the LSQ kernels walk x: rows of `width` elements (the step's C
 * channels, 1 per tensor, repeated so that a row is long and a multiple of
 * 4 for SIMD), then a `tail` of fewer elements (a multiple of C).
 */
export interface LsqRows {
  channels: number;
  width: number;
  rows: number;
  tail: number;
  /** `width` floats: the step repeated; our scratch unless it is the step input itself. */
  step: TensorInfo;
}

export function lsqRows(simd: SimdHeap, x: TensorInfo, step: TensorInfo): LsqRows {
  const count = x.shape.reduce((a, b) => a * b, 1);
  const channels = step.shape.reduce((a, b) => a * b, 1);
  const copies = channels >= MIN_WIDTH ? 1 : 4 * Math.ceil(MIN_WIDTH / 4 / channels);
  const width = channels * copies;
  const rows = Math.floor(count / width);
  let tiled = step;
  if (copies > 1) {
    tiled = simd.alloc([width]);
    const [out, values] = [simd.view(tiled), simd.view(step)];
    for (let i = 0; i < width; i++) out[i] = values[i % channels]!;
  }
  return { channels, width, rows, tail: count - rows * width, step: tiled };
}

export function freeLsqRows(simd: SimdHeap, layout: LsqRows, step: TensorInfo): void {
  if (layout.step !== step) simd.free(layout.step);
}

/**
 * Calls an LSQ kernel on all rows (split over the helper thread when
 * worthwhile) and then on the tail as one short row. args gets the byte
 * offset of the first element, the rows, the row width and the part
 * (0, 1: the halves of the rows; 2: the tail). Returns the parts that ran.
 */
export function runLsqRows(
  simd: SimdHeap,
  name: keyof TrainingKernelExports,
  layout: LsqRows,
  args: (at: number, rows: number, width: number, part: 0 | 1 | 2) => number[],
): Array<0 | 1 | 2> {
  const { rows, width, tail } = layout;
  const parts: Array<0 | 1 | 2> = [];
  if (rows > 0) {
    const ran = runRows(simd, name, rows, rows * width, (first, count, part) => args(first * width * 4, count, width, part));
    parts.push(...([0, 1] as const).slice(0, ran));
  }
  if (tail > 0) {
    (simd.kernels[name] as (...a: number[]) => void)(...args(rows * width * 4, 1, tail, 2));
    parts.push(2);
  }
  return parts;
}

/** LsqFakeQuantize on wasm: one SIMD pass (lsq-kernels.c) instead of div, round, clip and mul. */
function lsqFakeQuantize(args: { inputs: LsqFakeQuantizeInputs; backend: tf.KernelBackend; attrs: LsqFakeQuantizeAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const simd = simdHeap(LsqFakeQuantize, backend);
  const q = simd.alloc([...inputs.x.shape]);
  const layout = lsqRows(simd, inputs.x, inputs.step);
  const [xo, so, qo] = [simd.offset(inputs.x), simd.offset(layout.step), simd.offset(q)];
  runLsqRows(simd, 'lsq_forward', layout, (at, rows, width) => [xo + at, so, qo + at, rows, width, -attrs.qn, attrs.qp]);
  freeLsqRows(simd, layout, inputs.step);
  return q;
}

export const lsqFakeQuantizeWasmConfig: KernelConfig = {
  kernelName: LsqFakeQuantize,
  backendName: 'wasm',
  kernelFunc: lsqFakeQuantize as unknown as KernelConfig['kernelFunc'],
};
