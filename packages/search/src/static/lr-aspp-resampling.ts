import { tf, type Tensor } from '@oqat/engine';
import type { SearchSpace, SegmentationHeadSpace } from '@oqat/latency';

// The LR-ASPP head's per-pixel layers and upsampling geometry: host-side
// interpolation weights and the tensor functions that apply them. The
// supernet's head (supernet/heads/lr-aspp-head.ts), its static twin and the
// export all compute with these.

/**
 * A linear layer (rows [M, C] -> [M, outC]) applied at every pixel, i.e. a
 * 1x1 conv with bias: [N, H, W, C] -> [N, H, W, outC]. The supernet's head
 * and its static twin compute their per-pixel layers through this.
 */
export function perPixel(x: Tensor, outC: number, linear: (rows: Tensor) => Tensor): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return tf.reshape(linear(tf.reshape(x, [n * h * w, c])), [n, h, w, outC]);
}

/** Where a map's cells sit on the grid it was computed from (see gridPlacement). */
export interface GridPlacement {
  scale: number;
  offset: number;
}

/**
 * Where a feature map's cells sit on the grid it was computed from: index i
 * of a map reached from a grid of `size` pixels through convs of the given
 * strides ('same' padding, odd kernels) is centred on pixel scale * i + offset
 * of that grid (index space). A stride-2 conv's output j reads around input
 * 2j + 1 when the input size is even (TF 'same' pads the bottom/right more)
 * and 2j when it is odd, whatever the kernel; cells are not centred on their
 * block of pixels (8i + 3.5), and corner alignment (8i * 63/56) would be
 * off by up to 7 pixels at output stride 8.
 */
export function gridPlacement(size: number, strides: readonly number[]): GridPlacement {
  let scale = 1;
  let offset = 0;
  let n = size;
  for (const s of strides) {
    if (s === 1) continue;
    // Other strides (none in the built-in spaces): the cell's centre within its block.
    const shift = s === 2 ? (n % 2 === 0 ? 1 : 0) : (s - 1) / 2;
    offset += scale * shift;
    scale *= s;
    n = Math.ceil(n / s);
  }
  return { scale, offset };
}

/**
 * Linear interpolation weights [outN, inN]: output index y reads input
 * coordinate at(y) (index space, clamped to the edges).
 */
export function interpolationMatrix(outN: number, inN: number, at: (y: number) => number): Float32Array {
  const m = new Float32Array(outN * inN);
  for (let y = 0; y < outN; y++) {
    const u = Math.min(Math.max(at(y), 0), inN - 1);
    const i0 = Math.floor(u);
    const i1 = Math.min(i0 + 1, inN - 1);
    const f = u - i0;
    m[y * inN + i0]! += 1 - f;
    m[y * inN + i1]! += f;
  }
  return m;
}

/**
 * Separable linear resampling of [N, h, w, C] to [N, H, W, C] with row weights
 * [H, h] and column weights [W, w], as matrix products: exact gradients on
 * every backend (wasm's ResizeBilinearGrad ignores halfPixelCenters) and any
 * alignment of the two grids.
 */
export function resample(x: Tensor, rows: Tensor, cols: Tensor): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const outH = rows.shape[0]!;
  const outW = cols.shape[0]!;
  const byRow = tf.matMul(rows as tf.Tensor2D, tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, n * w * c]) as tf.Tensor2D);
  const cols4 = tf.transpose(tf.reshape(byRow, [outH, n, w, c]), [2, 1, 0, 3]);
  const byCol = tf.matMul(cols as tf.Tensor2D, tf.reshape(cols4, [w, n * outH * c]) as tf.Tensor2D);
  return tf.transpose(tf.reshape(byCol, [outW, n, outH, c]), [1, 2, 0, 3]);
}

/** Strides from the input to the output of stage `stage` (-1: the stem / first block). */
export function stridesTo(space: SearchSpace, stage: number): number[] {
  return [space.stem.stride, ...space.stages.slice(0, stage + 1).map((s) => s.stride)];
}

/** Where the cells of the last stage's map (high) and of the skip stage's map sit on a subnet's resized input. */
export function lrAsppGrids(space: SearchSpace, headSpace: SegmentationHeadSpace, resolution: number): { high: GridPlacement; skip: GridPlacement } {
  return {
    high: gridPlacement(resolution, stridesTo(space, space.stages.length - 1)),
    skip: gridPlacement(resolution, stridesTo(space, headSpace.skipStage)),
  };
}

/** Linear resampling weights [outN, inN] (row-major), for resample(). */
export interface ResampleMatrix {
  values: Float32Array;
  shape: [number, number];
}

/** The head's two resamplings, each as row and column weights. */
export interface LrAsppResampling {
  /** the high branch's map -> the skip map's grid */
  toSkip: { rows: ResampleMatrix; cols: ResampleMatrix };
  /** the skip grid -> the output pixels */
  toOut: { rows: ResampleMatrix; cols: ResampleMatrix };
}

/**
 * Row and column weights of the head's upsamplings for a high map of
 * `highSize`, a skip map of `skipSize`, computed at `resolution` from images
 * of `outSize` (host arrays: the supernet, its static twin and the export
 * all interpolate with these). Input pixel y of a side of `out` pixels is
 * pixel y * resolution / out of the resized input (tf's resize without
 * half-pixel centres).
 */
export function lrAsppResampling(
  grids: { high: GridPlacement; skip: GridPlacement },
  highSize: readonly [number, number],
  skipSize: readonly [number, number],
  outSize: readonly [number, number],
  resolution: number,
): LrAsppResampling {
  const { high, skip: low } = grids;
  const matrix = (outN: number, inN: number, at: (y: number) => number): ResampleMatrix => ({ values: interpolationMatrix(outN, inN, at), shape: [outN, inN] });
  const toSkip = (skipN: number, highN: number): ResampleMatrix => matrix(skipN, highN, (j) => (low.scale * j + low.offset - high.offset) / high.scale);
  const toOut = (out: number, skipN: number): ResampleMatrix => matrix(out, skipN, (y) => ((y * resolution) / out - low.offset) / low.scale);
  return {
    toSkip: { rows: toSkip(skipSize[0], highSize[0]), cols: toSkip(skipSize[1], highSize[1]) },
    toOut: { rows: toOut(outSize[0], skipSize[0]), cols: toOut(outSize[1], skipSize[1]) },
  };
}

/** One resampling as tensors (owned by the current scope). */
export function resampleTensors(r: { rows: ResampleMatrix; cols: ResampleMatrix }): [Tensor, Tensor] {
  return [tf.tensor2d(r.rows.values, r.rows.shape), tf.tensor2d(r.cols.values, r.cols.shape)];
}
