import { PackedLengthError } from '../errors';
import { assertPackBits } from './pack-bits';

export interface UnpackOptions {
  /** read values as b-bit two's complement; default false. */
  signed?: boolean;
}

/** Reads n b-bit integers written by pack() (same bit order). */
export function unpack(bytes: Uint8Array, bits: number, n: number, options: UnpackOptions = {}): Int32Array {
  assertPackBits('unpack', bits);
  if (!Number.isInteger(n) || n < 0 || bytes.length < Math.ceil((n * bits) / 8)) {
    throw new PackedLengthError(bytes.length, bits, n);
  }
  const signed = options.signed ?? false;
  const mask = (1 << bits) - 1;
  const signBit = 1 << (bits - 1);
  const out = new Int32Array(n);
  let acc = 0;
  let filled = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    while (filled < bits) {
      acc |= bytes[b++]! << filled;
      filled += 8;
    }
    const v = acc & mask;
    acc >>>= bits;
    filled -= bits;
    out[i] = signed && v & signBit ? v - (1 << bits) : v;
  }
  return out;
}
