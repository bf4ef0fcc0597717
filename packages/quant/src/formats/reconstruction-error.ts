import { ShapeMismatchError } from '../errors';
import type { EncodedTensor, EncodeOptions } from './number-format';
import { getFormat } from './registry';

export interface ReconstructionResult {
  /** mean of (x - decode(encode(x)))². */
  mse: number;
  encoded: EncodedTensor;
  decoded: Float32Array;
}

export function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ShapeMismatchError('meanSquaredError', 'second array', b.length, a.length);
  let err = 0;
  for (let i = 0; i < a.length; i++) err += (a[i]! - b[i]!) ** 2;
  return a.length ? err / a.length : 0;
}

/** Encodes x in a format, decodes it back and reports the error. */
export function reconstructionError(x: ArrayLike<number>, options: EncodeOptions & { format: string }): ReconstructionResult {
  const format = getFormat(options.format);
  const encoded = format.encode(x, options);
  const decoded = format.decode(encoded);
  return { mse: meanSquaredError(x, decoded), encoded, decoded };
}
