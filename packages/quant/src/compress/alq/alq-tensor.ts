import { InvalidQuantOptionError, ShapeMismatchError } from '../../errors';

/**
 * A weight tensor as a multi-bit network (ALQ, Qu et al., CVPR 2020). The
 * weights are read in row-major order of the tensor transposed by `order`
 * (axis k of that view is axis order[k] of `shape`; the identity leaves the
 * layout alone), cut into groups of `groupSize` consecutive weights (the last
 * group may be shorter), and group g is
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
  /** axis permutation applied before grouping (a permutation of 0..rank-1). */
  order: number[];
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
  const rank = t.shape.length;
  if (t.order.length !== rank || [...t.order].sort((a, b) => a - b).some((a, k) => a !== k)) {
    throw new InvalidQuantOptionError(operation, 'order', `[${t.order.join(', ')}]`, `a permutation of 0..${rank - 1}`);
  }
  if (!Number.isInteger(t.groupSize) || t.groupSize < 1) {
    throw new InvalidQuantOptionError(operation, 'groupSize', t.groupSize, 'a positive integer');
  }
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

/**
 * For each position p of the grouped (transposed) view, the row-major index of
 * the same weight in t.shape; null when order is the identity.
 */
export function alqGroupedIndex(shape: readonly number[], order: readonly number[]): Int32Array | null {
  if (order.every((axis, k) => axis === k)) return null;
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let s = 1;
  for (let a = rank - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a]!;
  }
  const viewShape = order.map((a) => shape[a]!);
  const out = new Int32Array(s);
  const counter = new Array<number>(rank).fill(0);
  for (let p = 0; p < s; p++) {
    let index = 0;
    for (let k = 0; k < rank; k++) index += counter[k]! * strides[order[k]!]!;
    out[p] = index;
    for (let k = rank - 1; k >= 0; k--) {
      if (++counter[k]! < viewShape[k]!) break;
      counter[k] = 0;
    }
  }
  return out;
}

/** Grouped-order values (row-major of the view transposed by order) back to row-major of shape. */
export function alqFromGrouped(grouped: Float32Array, shape: readonly number[], order: readonly number[]): Float32Array {
  const index = alqGroupedIndex(shape, order);
  if (!index) return grouped;
  const out = new Float32Array(grouped.length);
  for (let p = 0; p < index.length; p++) out[index[p]!] = grouped[p]!;
  return out;
}

/** The dense float32 weights Σ α_i β_i, group by group, in row-major order of t.shape (the layer's own layout). */
export function decodeAlq(t: AlqTensor): Float32Array {
  assertAlqTensor(t, 'decodeAlq');
  return alqFromGrouped(decodeAlqGrouped(t), t.shape, t.order);
}

/** The decoded weights in grouped order (before undoing t.order). */
export function decodeAlqGrouped(t: AlqTensor): Float32Array {
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
