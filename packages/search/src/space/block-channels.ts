import { makeDivisible } from './search-space';

/**
 * Expanded (middle) channels of an inverted-residual block, as OFA's
 * DynamicMBConvLayer computes them: round(in * expand) made divisible by 8.
 * The supernet allocates this for the largest expand; a subnet keeps the
 * first `blockMiddleChannels(in, e)` of them.
 */
export function blockMiddleChannels(inC: number, expand: number): number {
  return makeDivisible(Math.round(inC * expand), 8);
}

/** 'same' padding output size (TensorFlow's convention: ceil(in / stride)). */
export function sameOutSize(inSize: number, stride: number): number {
  return Math.ceil(inSize / stride);
}
