import { quantRange, roundHalfEven } from '../bits';
import { ShapeMismatchError, InvalidQuantOptionError } from '../errors';
import { ABFP_TINY, abfpQuantize, checkBlockSize } from '../quantizers/abfp-quantize';
import type { EncodedTensor, EncodeOptions, FormatSpec, NumberFormat } from './number-format';

/** Smallest e with 2^e·qp >= the block's max |x| (as blockPowers computes it). */
export function blockExponents(x: ArrayLike<number>, blockSize: number, qp: number): Int8Array {
  const out = new Int8Array(Math.ceil(x.length / blockSize));
  for (let b = 0; b < out.length; b++) {
    let maxAbs = ABFP_TINY;
    for (let i = b * blockSize; i < Math.min(x.length, (b + 1) * blockSize); i++) maxAbs = Math.max(maxAbs, Math.abs(x[i]!));
    const ratio = Math.fround(maxAbs / qp);
    let e = Math.ceil(Math.log2(ratio));
    if (2 ** (e - 1) >= ratio) e -= 1;
    if (2 ** e < ratio) e += 1;
    out[b] = Math.max(-128, Math.min(127, e));
  }
  return out;
}

function codesFor(x: ArrayLike<number>, s: number, exps: Int8Array, blockSize: number, qn: number, qp: number): Int32Array {
  const codes = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const p = 2 ** exps[Math.floor(i / blockSize)]!;
    const q = roundHalfEven(Math.fround(Math.fround(x[i]! / p) / s));
    codes[i] = q < -qn ? -qn : q > qp ? qp : q;
  }
  return codes;
}

function squaredError(x: ArrayLike<number>, codes: Int32Array, s: number, exps: Int8Array, blockSize: number): number {
  let err = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - codes[i]! * s * 2 ** exps[Math.floor(i / blockSize)]!;
    err += d * d;
  }
  return err;
}

/** The step factor s in [0.25, 1] (gain 1..4) with the least squared error. */
function bestFactor(x: ArrayLike<number>, exps: Int8Array, blockSize: number, qn: number, qp: number): number {
  let best = 1;
  let bestErr = Infinity;
  for (let i = 0; i <= 96; i++) {
    const s = 2 ** (-2 * (i / 96));
    const err = squaredError(x, codesFor(x, s, exps, blockSize, qn, qp), s, exps, blockSize);
    if (err < bestErr) [best, bestErr] = [s, err];
  }
  return best;
}

function encode(x: ArrayLike<number>, o: EncodeOptions): EncodedTensor {
  const blockSize = o.blockSize ?? 16;
  checkBlockSize('encode', blockSize);
  if ((o.channels ?? 1) !== 1) throw new InvalidQuantOptionError('encode', 'channels', o.channels, "1 for 'abfp' (blocks replace channels)");
  if (o.scales && o.scales.length !== 1) throw new ShapeMismatchError('encode', 'abfp scales', o.scales.length, 1);
  const { qn, qp } = quantRange(o.bits, o.signed);
  const exponents = blockExponents(x, blockSize, qp);
  const s = o.scales ? o.scales[0]! : bestFactor(x, exponents, blockSize, qn, qp);
  return {
    format: 'abfp',
    bits: o.bits,
    signed: o.signed,
    codes: codesFor(x, s, exponents, blockSize, qn, qp),
    codesSigned: o.signed,
    scales: Float32Array.of(s),
    channels: 1,
    exponents,
    blockSize,
  };
}

function decode(e: EncodedTensor): Float32Array {
  const blockSize = e.blockSize ?? 16;
  const s = e.scales[0]!;
  return Float32Array.from(e.codes, (c, i) => c * s * 2 ** e.exponents![Math.floor(i / blockSize)]!);
}

function initStep(x: ArrayLike<number>, _channels: number, spec: FormatSpec): Float32Array {
  const blockSize = spec.blockSize ?? 16;
  const { qn, qp } = quantRange(spec.bits, spec.signed);
  return Float32Array.of(bestFactor(x, blockExponents(x, blockSize, qp), blockSize, qn, qp));
}

/**
 * Bit inheritance of the factor s: uniform's rule on average. A block's
 * exponent is sized to Qp (P·Qp >= its max |x|), so one bit fewer already
 * grows P by Qp_from/Qp_to on average (4 -> 2 signed: 7x, as 4x or 8x per
 * block); the used step s·P should grow by 2^(from-to) (OQAT's doubling, 4x),
 * so s_to = s_from · 2^(from-to) · Qp_to/Qp_from. Keeping s instead (the
 * rule before) kept the block's range at 2 bits: steps ~7x the 4-bit ones;
 * in the quant table's smallest subnet 71-84 % of each layer's 2-bit codes
 * were zero and 30 depthwise channels dead at the phase start, and the loss
 * stayed at chance (19.8 % top-1).
 */
export function abfpInheritFactor(fromBits: number, toBits: number, spec: FormatSpec): number {
  return (2 ** (fromBits - toBits) * quantRange(toBits, spec.signed).qp) / quantRange(fromBits, spec.signed).qp;
}

/**
 * Adaptive block floating point: blocks of `blockSize` values share a
 * power-of-two exponent (8 bits per block), with one gain per tensor
 * (stored as its inverse, the step factor s). Bits per value: b + 8/blockSize.
 */
export const abfpFormat: NumberFormat = {
  name: 'abfp',
  perChannel: false,
  encode,
  decode,
  fakeQuantize: (x, step, c) => abfpQuantize(x, step, { bits: c.bits, signed: c.signed, blockSize: c.blockSize, gradScale: c.gradScale }),
  initStep,
  inheritFactor: abfpInheritFactor,
};
