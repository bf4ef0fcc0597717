import { alqBytes, decodeAlq, type AlqTensor } from './alq';
import { decodeVq, vqBytes, type VqTensor } from './vq';

/**
 * A weight tensor compressed beyond uniform levels: ALQ's binary bases with
 * coefficients per group (compress/alq), or VQ's codebook and byte-aligned
 * codeword indices (compress/vq). Both decode to the dense float32 weights in
 * row-major order of `shape` (the layer weight's own layout).
 */
export type CompressedTensor = AlqTensor | VqTensor;

/** The compression methods, as `CompressedTensor['method']` spells them. */
export const COMPRESSION_METHODS = ['alq', 'vq'] as const satisfies readonly CompressedTensor['method'][];
export type CompressionMethod = CompressedTensor['method'];

/** The dense float32 weights a compressed tensor stands for, row-major in its shape. */
export function decodeCompressed(t: CompressedTensor): Float32Array {
  return t.method === 'alq' ? decodeAlq(t) : decodeVq(t);
}

/** Bytes the compressed tensor takes stored byte-aligned (its side data, coefficients or codebook, included). */
export function compressedBytes(t: CompressedTensor): number {
  return t.method === 'alq' ? alqBytes(t) : vqBytes(t);
}

/** Weights the tensor holds (the product of its shape). */
export function compressedSize(t: CompressedTensor): number {
  return t.shape.reduce((a, b) => a * b, 1);
}
