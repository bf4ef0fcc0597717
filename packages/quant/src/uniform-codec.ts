import { assertQuantBits, quantRange, roundHalfEven } from './bits';
import { InvalidQuantOptionError, ShapeMismatchError } from './errors';

/**
 * Parameters of a uniform integer code. Values are laid out channel-last:
 * element i belongs to channel i % channels (tfjs conv [h, w, in, out] and
 * dense [in, out] weights; channels = 1 is per tensor).
 * - symmetric signed:   q = clamp(round(x/s), -2^(b-1), 2^(b-1)-1), x̂ = q·s
 * - unsigned:           q = clamp(round(x/s), 0, 2^b-1),            x̂ = q·s
 * - asymmetric:         q = clamp(round(x/s) + z, 0, 2^b-1),        x̂ = (q - z)·s
 */
export interface UniformParams {
  bits: number;
  /** signed two's complement codes (ignored when asymmetric: codes are then unsigned). */
  signed: boolean;
  asymmetric: boolean;
  channels: number;
  scales: Float32Array;
  /** asymmetric only: one zero point per channel. */
  zeroPoints?: Int32Array;
}

/** Integer bounds of the codes of a uniform format. */
export function uniformBounds(bits: number, signed: boolean, asymmetric: boolean): { lo: number; hi: number } {
  const { qn, qp } = quantRange(bits, signed && !asymmetric);
  return { lo: -qn, hi: qp };
}

function checkParams(operation: string, n: number, p: UniformParams): void {
  assertQuantBits(operation, p.bits, false);
  if (!Number.isInteger(p.channels) || p.channels < 1 || n % p.channels !== 0) {
    throw new InvalidQuantOptionError(operation, 'channels', p.channels, `a positive divisor of the element count ${n}`);
  }
  if (p.scales.length !== p.channels) throw new ShapeMismatchError(operation, 'scales', p.scales.length, p.channels);
  if (p.asymmetric && p.zeroPoints?.length !== p.channels) {
    throw new ShapeMismatchError(operation, 'zeroPoints', p.zeroPoints?.length ?? 0, p.channels);
  }
}

/** x -> integer codes. The division is done in float32, as the tensor path does. */
export function encodeUniform(x: ArrayLike<number>, p: UniformParams): Int32Array {
  checkParams('encodeUniform', x.length, p);
  const { lo, hi } = uniformBounds(p.bits, p.signed, p.asymmetric);
  const out = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % p.channels;
    const z = p.asymmetric ? p.zeroPoints![c]! : 0;
    const q = roundHalfEven(Math.fround(x[i]! / p.scales[c]!)) + z;
    out[i] = q < lo ? lo : q > hi ? hi : q;
  }
  return out;
}

/** integer codes -> values. */
export function decodeUniform(codes: ArrayLike<number>, p: UniformParams): Float32Array {
  checkParams('decodeUniform', codes.length, p);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = i % p.channels;
    out[i] = (codes[i]! - (p.asymmetric ? p.zeroPoints![c]! : 0)) * p.scales[c]!;
  }
  return out;
}
