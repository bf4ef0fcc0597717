import { InvalidQuantOptionError, ShapeMismatchError } from '../../errors';
import { fromFloat16Bits } from './float16';

/**
 * A weight tensor as a product-quantized ("And the bit goes down", Stock et
 * al., ICLR 2020) tensor: the weight is cut into sub-vectors of `blockSize`
 * (d) elements, each stored as the index of one of `codewords` (k) rows of a
 * k×d codebook.
 *
 * Sub-vectors follow the paper's reshape of a weight into rows per output
 * unit: `shape` is the layer weight's own layout, [...spatial, I, O] (a conv's
 * HWIO [kh, kw, cin, cout], a depthwise conv's [kh, kw, c, 1], a linear
 * layer's [in, out]); row o holds the I·S weights of output o (S = the
 * product of the spatial dims) in the order (i, kh, kw), PyTorch's
 * per-output layout; sub-vector j of row o is its columns [j·d, (j+1)·d)
 * and has index number o·(I·S/d) + j. So a 3×3 conv with d = 9 has one
 * sub-vector per (input, output) kernel, d = 18 two input channels' kernels;
 * a pointwise conv or a linear layer with d = 4 four consecutive inputs; a
 * depthwise 3×3 (O = 1) one channel's kernel per sub-vector when d = 9.
 *
 * Storage (byte-aligned): `indices` one byte each when k ≤ 256, else two;
 * `codebook` k·d IEEE binary16 bit patterns, row after row (the paper stores
 * its centroids in float16).
 */
export interface VqTensor {
  method: 'vq';
  shape: number[];
  /** d, elements per sub-vector */
  blockSize: number;
  /** k, codebook rows */
  codewords: number;
  /** k×d binary16 bit patterns, row-major */
  codebook: Uint16Array;
  /** one per sub-vector, in the order above; Uint8Array when k ≤ 256 */
  indices: Uint8Array | Uint16Array;
}

/** The most codewords a VQ tensor holds (two-byte indices). */
export const VQ_MAX_CODEWORDS = 65536;

/** Rows (outputs O), columns per row (I·S) and sub-vectors per row of a weight of this shape, for block size d. */
export function vqGeometry(shape: readonly number[], blockSize: number): { rows: number; columns: number; blocksPerRow: number; subVectors: number } {
  if (shape.length < 2) throw new InvalidQuantOptionError('vq', 'shape', `[${shape.join(', ')}]`, 'a weight with an input and an output axis ([...spatial, in, out])');
  const rows = shape[shape.length - 1]!;
  const columns = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (!Number.isInteger(blockSize) || blockSize < 1 || columns % blockSize !== 0) {
    throw new InvalidQuantOptionError('vq', 'block size', blockSize, `a divisor of the ${columns} weights per output of shape [${shape.join(', ')}]`);
  }
  const blocksPerRow = columns / blockSize;
  return { rows, columns, blocksPerRow, subVectors: rows * blocksPerRow };
}

/**
 * Offsets into the row-major weight of every element of every sub-vector:
 * entry n·d + e is where element e of sub-vector n lives. Both the split
 * (compress) and the decode use it, so they cannot disagree.
 */
export function vqElementOffsets(shape: readonly number[], blockSize: number): Int32Array {
  const { rows, columns, subVectors } = vqGeometry(shape, blockSize);
  const inputs = shape[shape.length - 2]!;
  const spatial = columns / inputs;
  const out = new Int32Array(subVectors * blockSize);
  for (let o = 0; o < rows; o++) {
    for (let c = 0; c < columns; c++) {
      const i = Math.floor(c / spatial);
      const s = c % spatial;
      // element [s..., i, o] of the [...spatial, I, O] tensor
      out[o * columns + c] = (s * inputs + i) * rows + o;
    }
  }
  return out;
}

/** Bytes the tensor occupies: its indices (1 or 2 bytes each) and its float16 codebook. */
export function vqBytes(t: VqTensor): number {
  return t.indices.byteLength + t.codebook.byteLength;
}

/** Index bits per weight, log2(k)/d (the paper's "bits per weight", codebook excluded). */
export function vqIndexBitsPerWeight(t: Pick<VqTensor, 'codewords' | 'blockSize'>): number {
  return Math.log2(t.codewords) / t.blockSize;
}

/** Throws unless the arrays agree with shape, blockSize and codewords. */
export function assertVqTensor(t: VqTensor, operation = 'vq'): void {
  const { subVectors } = vqGeometry(t.shape, t.blockSize);
  if (!Number.isInteger(t.codewords) || t.codewords < 1 || t.codewords > VQ_MAX_CODEWORDS) {
    throw new InvalidQuantOptionError(operation, 'codewords', t.codewords, `an integer in 1..${VQ_MAX_CODEWORDS}`);
  }
  const wide = t.codewords > 256;
  if (wide !== t.indices instanceof Uint16Array) {
    throw new InvalidQuantOptionError(operation, 'indices', t.indices.constructor.name, `${wide ? 'Uint16Array' : 'Uint8Array'} for ${t.codewords} codewords`);
  }
  if (t.indices.length !== subVectors) throw new ShapeMismatchError(operation, 'indices (one per sub-vector)', t.indices.length, subVectors);
  if (t.codebook.length !== t.codewords * t.blockSize) throw new ShapeMismatchError(operation, 'codebook', t.codebook.length, t.codewords * t.blockSize);
  for (let n = 0; n < t.indices.length; n++) {
    if (t.indices[n]! >= t.codewords) {
      throw new InvalidQuantOptionError(operation, `index ${n}`, t.indices[n], `below the ${t.codewords} codewords`);
    }
  }
}

/** The codebook as float32 numbers (k×d, row-major). */
export function vqCodebookValues(t: Pick<VqTensor, 'codebook'>): Float32Array {
  const out = new Float32Array(t.codebook.length);
  for (let i = 0; i < out.length; i++) out[i] = fromFloat16Bits(t.codebook[i]!);
  return out;
}

/** The dense float32 weights, each sub-vector replaced by its codeword, row-major in t.shape. */
export function decodeVq(t: VqTensor): Float32Array {
  assertVqTensor(t, 'decodeVq');
  const values = vqCodebookValues(t);
  const offsets = vqElementOffsets(t.shape, t.blockSize);
  const d = t.blockSize;
  const out = new Float32Array(offsets.length);
  for (let n = 0; n < t.indices.length; n++) {
    const row = t.indices[n]! * d;
    for (let e = 0; e < d; e++) out[offsets[n * d + e]!] = values[row + e]!;
  }
  return out;
}
