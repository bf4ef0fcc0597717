import { InvalidBitsError } from './errors';

/** Bit widths a quantizer runs at; 32 means "off" (float pass-through). */
export const QUANT_BITS = [2, 3, 4, 5, 6, 7, 8, 32] as const;
export type QuantBits = (typeof QUANT_BITS)[number];

export interface QuantRange {
  /** magnitude of the most negative level (0 when unsigned). */
  qn: number;
  /** the most positive level. */
  qp: number;
}

/**
 * Integer range of a b-bit code: signed (weights, signed activations)
 * [-2^(b-1), 2^(b-1)-1]; unsigned (after ReLU) [0, 2^b-1].
 */
export function quantRange(bits: number, signed: boolean): QuantRange {
  assertQuantBits('quantRange', bits, false);
  return signed ? { qn: 2 ** (bits - 1), qp: 2 ** (bits - 1) - 1 } : { qn: 0, qp: 2 ** bits - 1 };
}

/** Throws InvalidBitsError unless bits is 2..8 (or 32 when allowOff). */
export function assertQuantBits(operation: string, bits: number, allowOff: boolean): void {
  const ok = (QUANT_BITS as readonly number[]).includes(bits) && (allowOff || bits !== 32);
  if (!ok) throw new InvalidBitsError(operation, bits, allowOff ? '2–8, or 32 for float' : '2–8');
}

/** Round half to even, as tf.round does, so host and tensor paths agree on ties. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
