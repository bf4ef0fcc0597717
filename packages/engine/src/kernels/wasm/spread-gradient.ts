import { tf } from '../../tf';
import type { ConvGeometry } from './conv-geometry';

/**
 * Prepares dy for a "transposed" convolution done as a forward one: insert
 * stride-1 zeros between dy's pixels (dilation) and work out the explicit
 * padding that makes a stride-1 valid conv with the flipped kernel return the
 * input's height and width. Why: wasm's Conv2DBackpropInput is a scalar loop
 * and its depthwise twin is missing, while forward convs run on XNNPACK.
 *
 * Dilation is one 6-D pad (the cheap layout op on wasm: stridedSlice,
 * spaceToBatch and depthToSpace are 10-100x slower); the outer padding is
 * left to the conv (XNNPACK pads implicitly), or cropped here when negative.
 */
export function spreadGradient(
  dy: tf.Tensor4D,
  g: ConvGeometry,
): { spread: tf.Tensor4D; pad: [[0, 0], [number, number], [number, number], [0, 0]] } {
  const [n, ho, wo, c] = dy.shape;
  const sh = g.strideHeight;
  const sw = g.strideWidth;
  let spread: tf.Tensor4D = dy;
  if (sh > 1 || sw > 1) {
    spread = tf
      .pad(dy.reshape([n, ho, 1, wo, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]])
      .reshape([n, ho * sh, wo * sw, c]);
  }
  // Per axis: before = k-1-padBefore; after = in + padBefore - dilatedLength,
  // less the (stride-1) zeros the pad above already appended.
  let top = g.filterHeight - 1 - g.padTop;
  let left = g.filterWidth - 1 - g.padLeft;
  let bottom = g.inHeight + g.padTop - ((ho - 1) * sh + 1) - (sh - 1);
  let right = g.inWidth + g.padLeft - ((wo - 1) * sw + 1) - (sw - 1);
  if (top < 0 || left < 0 || bottom < 0 || right < 0) {
    // Only with explicit paddings larger than the kernel, or rows the forward
    // conv never read: crop the spread tensor instead of padding it.
    const [, sH, sW] = spread.shape;
    const cropTop = Math.max(0, -top);
    const cropLeft = Math.max(0, -left);
    const cropBottom = Math.max(0, -bottom);
    const cropRight = Math.max(0, -right);
    spread = tf.slice(spread, [0, cropTop, cropLeft, 0], [n, sH - cropTop - cropBottom, sW - cropLeft - cropRight, c]);
    top = Math.max(0, top);
    left = Math.max(0, left);
    bottom = Math.max(0, bottom);
    right = Math.max(0, right);
  }
  return { spread, pad: [[0, 0], [top, bottom], [left, right], [0, 0]] };
}
