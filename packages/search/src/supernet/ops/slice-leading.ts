import { tf, type Tensor } from '@oqat/engine';

/**
 * Keeps the first `sizes[i]` entries of each axis (elastic width keeps the
 * first channels). Returns the tensor itself when nothing is cut, because
 * tfjs-wasm's slice copies the whole input even for a full-size slice.
 */
export function sliceLeading(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.every((s, i) => s === x.shape[i])) return x;
  return tf.slice(x, sizes.map(() => 0), [...sizes]);
}
