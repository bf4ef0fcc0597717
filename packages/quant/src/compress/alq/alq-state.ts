import { InvalidQuantOptionError } from '../../errors';
import { pack } from '../../packing/pack-bits';
import {
  ALQ_MAX_BASES,
  alqElementCount,
  alqGroupCount,
  alqGroupedIndex,
  alqGroupLength,
  alqRowBytes,
  type AlqTensor,
} from './alq-tensor';

/**
 * A layer's multi-bit form while ALQ optimises it: every group holds up to
 * `maxBases` slots (basis i of group g is slot g·maxBases + i); a slot is
 * active or pruned (its α 0, its signs ignored). Weights are in grouped
 * order (the view transposed by `order`, see AlqTensor).
 */
export interface AlqState {
  shape: number[];
  order: number[];
  groupSize: number;
  maxBases: number;
  groups: number;
  /** weights in the tensor */
  total: number;
  /** α per slot (0 when pruned) */
  alpha: Float32Array;
  /** 1 per active slot */
  active: Uint8Array;
  /** ±1 per slot and weight: slot s's weight j at s·groupSize + j */
  signs: Int8Array;
  /** grouped position -> row-major index in shape (null: order is the identity) */
  index: Int32Array | null;
}

/** An empty state (every slot pruned) for a tensor of `shape` grouped by `order` and `groupSize`. */
export function emptyAlqState(shape: readonly number[], order: readonly number[], groupSize: number, maxBases: number): AlqState {
  if (!Number.isInteger(maxBases) || maxBases < 1 || maxBases > ALQ_MAX_BASES) {
    throw new InvalidQuantOptionError('alq', 'maxBases', maxBases, `an integer 1..${ALQ_MAX_BASES}`);
  }
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new InvalidQuantOptionError('alq', 'groupSize', groupSize, 'a positive integer');
  const groups = alqGroupCount(shape, groupSize);
  return {
    shape: [...shape],
    order: [...order],
    groupSize,
    maxBases,
    groups,
    total: alqElementCount(shape),
    alpha: new Float32Array(groups * maxBases),
    active: new Uint8Array(groups * maxBases),
    signs: new Int8Array(groups * maxBases * groupSize).fill(1),
    index: alqGroupedIndex(shape, order),
  };
}

/** Row-major values of the tensor's shape in the state's grouped order. */
export function alqStateToGrouped(s: AlqState, values: Float32Array): Float32Array {
  if (!s.index) return values.slice();
  const out = new Float32Array(s.total);
  for (let p = 0; p < s.total; p++) out[p] = values[s.index[p]!]!;
  return out;
}

/** Grouped-order values back to row-major of the tensor's shape. */
export function alqStateFromGrouped(s: AlqState, grouped: Float32Array): Float32Array {
  if (!s.index) return grouped;
  const out = new Float32Array(s.total);
  for (let p = 0; p < s.total; p++) out[s.index[p]!] = grouped[p]!;
  return out;
}

/** Weights in group g of the state. */
export function alqStateGroupLength(s: AlqState, g: number): number {
  return alqGroupLength(s.total, s.groupSize, g);
}

/**
 * Calls f for every active slot, group by group: the slot, its group's first
 * weight in grouped order, the group's length and the slot's sign row offset.
 */
export function forEachActiveSlot(s: AlqState, f: (slot: number, start: number, len: number, row: number) => void): void {
  for (let g = 0; g < s.groups; g++) {
    const start = g * s.groupSize;
    const len = alqStateGroupLength(s, g);
    for (let i = 0; i < s.maxBases; i++) {
      const slot = g * s.maxBases + i;
      if (s.active[slot]) f(slot, start, len, slot * s.groupSize);
    }
  }
}

/** Σ α_i β_i in grouped order. */
export function alqReconstructGrouped(s: AlqState): Float32Array {
  const out = new Float32Array(s.total);
  forEachActiveSlot(s, (slot, start, len, row) => {
    const a = s.alpha[slot]!;
    for (let j = 0; j < len; j++) out[start + j] += a * s.signs[row + j]!;
  });
  return out;
}

/** Σ α_i β_i in row-major order of the tensor's shape (what decodeAlq of alqTensorOf gives). */
export function reconstructAlq(s: AlqState): Float32Array {
  return alqStateFromGrouped(s, alqReconstructGrouped(s));
}

/** Active slots of the state. */
export function alqActiveCount(s: AlqState): number {
  let n = 0;
  for (let k = 0; k < s.active.length; k++) n += s.active[k]!;
  return n;
}

/** Σ over active slots of their group's length: the bits the signs take. */
export function alqSignBits(s: AlqState): number {
  let bits = 0;
  for (let g = 0; g < s.groups; g++) {
    let n = 0;
    for (let i = 0; i < s.maxBases; i++) n += s.active[g * s.maxBases + i]!;
    bits += n * alqStateGroupLength(s, g);
  }
  return bits;
}

/** The network's average bitwidth over several layers: Σ sign bits / Σ weights (the paper's "average bitwidth"). */
export function alqNetworkBits(states: readonly AlqState[]): number {
  let bits = 0;
  let weights = 0;
  for (const s of states) {
    bits += alqSignBits(s);
    weights += s.total;
  }
  return weights === 0 ? 0 : bits / weights;
}

/** The stored form: active slots only, group after group, signs bit-packed byte-aligned per basis. */
export function alqTensorOf(s: AlqState): AlqTensor {
  const bases = new Uint8Array(s.groups);
  const coefficients: number[] = [];
  const rows: Uint8Array[] = [];
  let signBytes = 0;
  forEachActiveSlot(s, (slot, _start, len, row) => {
    bases[Math.floor(slot / s.maxBases)]!++;
    coefficients.push(s.alpha[slot]!);
    const codes = new Uint8Array(len);
    for (let j = 0; j < len; j++) codes[j] = s.signs[row + j]! > 0 ? 1 : 0;
    const packed = pack(codes, 1);
    rows.push(packed);
    signBytes += packed.length;
  });
  const signs = new Uint8Array(signBytes);
  let o = 0;
  for (const r of rows) {
    signs.set(r, o);
    o += r.length;
  }
  return { method: 'alq', shape: [...s.shape], order: [...s.order], groupSize: s.groupSize, bases, coefficients: Float32Array.from(coefficients), signs };
}

/** Bytes a state's stored form takes (as alqBytes of alqTensorOf(s)). */
export function alqStateBytes(s: AlqState): number {
  let bytes = s.groups;
  for (let g = 0; g < s.groups; g++) {
    let n = 0;
    for (let i = 0; i < s.maxBases; i++) n += s.active[g * s.maxBases + i]!;
    bytes += n * (4 + alqRowBytes(s.total, s.groupSize, g));
  }
  return bytes;
}
