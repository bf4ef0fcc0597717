import { ShapeMismatchError } from '../../errors';

/**
 * A weight tensor as a multi-bit network (ALQ, Qu et al., CVPR 2020): the
 * tensor's elements, in row-major order, are cut into groups of `groupSize`
 * consecutive weights (the last group may be shorter), and group g is
 * w_g ≈ Σ_{i<I_g} α_{g,i} β_{g,i} with I_g binary bases β ∈ {−1, +1}^n and
 * coefficients α. I_g may be 0 (the whole group pruned to zero).
 *
 * Storage (all byte-aligned):
 * - `bases[g]` = I_g (one byte per group, 0..ALQ_MAX_BASES);
 * - `coefficients`: float32, group after group, I_g each (Σ I_g in all);
 * - `signs`: for each group, for each of its bases, ⌈len_g / 8⌉ bytes of
 *   1-bit codes written as `pack(codes, 1)` writes them (bit j of the row is
 *   bit j % 8 of byte ⌊j/8⌋; 1 means +1, 0 means −1); rows in the same
 *   order as the coefficients.
 */
export interface AlqTensor {
  method: 'alq';
  shape: number[];
  groupSize: number;
  bases: Uint8Array;
  coefficients: Float32Array;
  signs: Uint8Array;
}

/** The most bases a group holds (one byte per group records I_g). */
export const ALQ_MAX_BASES = 8;

export function alqElementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function alqGroupCount(shape: readonly number[], groupSize: number): number {
  return Math.ceil(alqElementCount(shape) / groupSize);
}

/** Number of weights in group g (groupSize except possibly the last). */
export function alqGroupLength(total: number, groupSize: number, g: number): number {
  return Math.min(groupSize, total - g * groupSize);
}

/** Bytes of one sign row of group g. */
export function alqRowBytes(total: number, groupSize: number, g: number): number {
  return Math.ceil(alqGroupLength(total, groupSize, g) / 8);
}

/** Bytes the tensor occupies: one byte of I_g per group, 4 per coefficient, the packed sign rows. */
export function alqBytes(t: AlqTensor): number {
  return t.bases.length + t.coefficients.byteLength + t.signs.byteLength;
}

/** Bits per weight spent on signs (Σ_g I_g·len_g / numel): the paper's "average bitwidth". */
export function alqAverageBits(t: AlqTensor): number {
  const total = alqElementCount(t.shape);
  let bits = 0;
  for (let g = 0; g < t.bases.length; g++) bits += t.bases[g]! * alqGroupLength(total, t.groupSize, g);
  return total === 0 ? 0 : bits / total;
}

/** Throws ShapeMismatchError unless the arrays' lengths agree with shape, groupSize and bases. */
export function assertAlqTensor(t: AlqTensor, operation = 'alq'): void {
  const total = alqElementCount(t.shape);
  const groups = alqGroupCount(t.shape, t.groupSize);
  if (t.bases.length !== groups) throw new ShapeMismatchError(operation, 'bases (one per group)', t.bases.length, groups);
  let coefficients = 0;
  let signBytes = 0;
  for (let g = 0; g < groups; g++) {
    coefficients += t.bases[g]!;
    signBytes += t.bases[g]! * alqRowBytes(total, t.groupSize, g);
  }
  if (t.coefficients.length !== coefficients) {
    throw new ShapeMismatchError(operation, 'coefficients', t.coefficients.length, coefficients);
  }
  if (t.signs.length !== signBytes) throw new ShapeMismatchError(operation, 'signs (bytes)', t.signs.length, signBytes);
}

/** The dense float32 weights Σ α_i β_i, group by group, in row-major order of t.shape. */
export function decodeAlq(t: AlqTensor): Float32Array {
  assertAlqTensor(t, 'decodeAlq');
  const total = alqElementCount(t.shape);
  const out = new Float32Array(total);
  let c = 0;
  let s = 0;
  for (let g = 0; g < t.bases.length; g++) {
    const start = g * t.groupSize;
    const len = alqGroupLength(total, t.groupSize, g);
    const rowBytes = Math.ceil(len / 8);
    for (let i = 0; i < t.bases[g]!; i++) {
      const alpha = t.coefficients[c++]!;
      for (let j = 0; j < len; j++) {
        const bit = (t.signs[s + (j >> 3)]! >> (j & 7)) & 1;
        out[start + j] += bit ? alpha : -alpha;
      }
      s += rowBytes;
    }
  }
  return out;
}
