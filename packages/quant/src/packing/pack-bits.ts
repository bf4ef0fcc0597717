import { InvalidBitsError, PackRangeError } from '../errors';

export interface PackOptions {
  /** values are two's complement in [-2^(b-1), 2^(b-1)-1]; default false: [0, 2^b-1]. */
  signed?: boolean;
}

export function assertPackBits(operation: string, bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new InvalidBitsError(operation, bits, '1–8');
}

/**
 * Packs b-bit integers into bytes with no padding between values: value i
 * occupies bits [i·b, (i+1)·b) of a little-endian bit stream (bit j is bit
 * j % 8 of byte ⌊j/8⌋; a value's low bit comes first). Signed values are
 * stored as b-bit two's complement. The last byte is zero-padded.
 */
export function pack(ints: ArrayLike<number>, bits: number, options: PackOptions = {}): Uint8Array {
  assertPackBits('pack', bits);
  const signed = options.signed ?? false;
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(Math.ceil((ints.length * bits) / 8));
  let acc = 0;
  let filled = 0;
  let o = 0;
  for (let i = 0; i < ints.length; i++) {
    const v = ints[i]!;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new PackRangeError(i, v, bits, signed);
    acc |= (v & mask) << filled;
    filled += bits;
    while (filled >= 8) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      filled -= 8;
    }
  }
  if (filled > 0) out[o] = acc & 0xff;
  return out;
}
