/**
 * Source rows/columns and weights for each output row/column, computed once
 * per (source size, output size) and reused for every image of a run.
 */
export interface BilinearPlan {
  readonly srcHeight: number;
  readonly srcWidth: number;
  readonly dstHeight: number;
  readonly dstWidth: number;
  readonly y0: Int32Array;
  readonly y1: Int32Array;
  readonly wy: Float32Array;
  readonly x0: Int32Array;
  readonly x1: Int32Array;
  readonly wx: Float32Array;
}

function axis(src: number, dst: number): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const w = new Float32Array(dst);
  const scale = src / dst;
  for (let o = 0; o < dst; o++) {
    // Half-pixel centres (as tf.image.resizeBilinear with halfPixelCenters and
    // PyTorch's align_corners=False), so an upscaled image is not shifted.
    const s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), src - 1);
    const lo = Math.floor(s);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, src - 1);
    w[o] = s - lo;
  }
  return { i0, i1, w };
}

export function bilinearPlan(srcHeight: number, srcWidth: number, dstHeight: number, dstWidth: number): BilinearPlan {
  const ys = axis(srcHeight, dstHeight);
  const xs = axis(srcWidth, dstWidth);
  return { srcHeight, srcWidth, dstHeight, dstWidth, y0: ys.i0, y1: ys.i1, wy: ys.w, x0: xs.i0, x1: xs.i1, wx: xs.w };
}

/**
 * Resizes one HWC image (e.g. 28×28 → 32×32 or 40×40) with bilinear
 * interpolation. Pixel values keep their scale (0..255 in, 0..255 out).
 * `src` may be a view of a whole dataset; `srcOffset` picks the image.
 */
export function resizeBilinear(
  src: ArrayLike<number>,
  plan: BilinearPlan,
  channels: number,
  out: Float32Array = new Float32Array(plan.dstHeight * plan.dstWidth * channels),
  srcOffset = 0,
): Float32Array {
  const { srcWidth, dstHeight, dstWidth, y0, y1, wy, x0, x1, wx } = plan;
  const rowStride = srcWidth * channels;
  let o = 0;
  for (let y = 0; y < dstHeight; y++) {
    const top = srcOffset + y0[y]! * rowStride;
    const bottom = srcOffset + y1[y]! * rowStride;
    const fy = wy[y]!;
    for (let x = 0; x < dstWidth; x++) {
      const left = x0[x]! * channels;
      const right = x1[x]! * channels;
      const fx = wx[x]!;
      for (let c = 0; c < channels; c++) {
        const t = src[top + left + c]! + (src[top + right + c]! - src[top + left + c]!) * fx;
        const b = src[bottom + left + c]! + (src[bottom + right + c]! - src[bottom + left + c]!) * fx;
        out[o++] = t + (b - t) * fy;
      }
    }
  }
  return out;
}
