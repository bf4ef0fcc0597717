import type { Normalization } from '../types';

/** Pixels scaled to [0, 1] and left there: the default when no statistics are given. */
export const UNIT_RANGE: Normalization = { mean: 0, std: 1 };

/**
 * Maps 0..255 pixels to (x/255 - mean) / std, in place, over `length` values
 * from `offset`. Folded into one multiply-add per pixel.
 */
export function normalizePixels(
  data: Float32Array,
  normalization: Normalization = UNIT_RANGE,
  offset = 0,
  length = data.length - offset,
): Float32Array {
  const scale = 1 / (255 * normalization.std);
  const shift = -normalization.mean / normalization.std;
  for (let i = offset; i < offset + length; i++) data[i] = data[i]! * scale + shift;
  return data;
}
