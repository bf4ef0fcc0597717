import { assertQuantBits } from '../bits';
import { InvalidQuantOptionError } from '../errors';

/**
 * The ESB grid (elastic significant bits): a b-bit code is a sign (when
 * signed) and a magnitude code c = (e << t) | m of magBits bits, t = k - 1
 * mantissa bits and magBits - t exponent bits. It stands for the integer
 * m (e = 0) or (2^t + m)·2^(e-1) (e > 0): every level has at most k
 * significant bits. k = magBits gives the uniform grid 0..2^magBits-1,
 * k = 1 gives powers of two {0, 1, 2, 4, ...}; values are level·alpha.
 */
export interface EsbGrid {
  bits: number;
  signed: boolean;
  /** significant bits k. */
  significantBits: number;
  magnitudeBits: number;
  mantissaBits: number;
  maxLevel: number;
}

/**
 * The paper's default k at a width: two exponent bits (k = magnitude bits - 1,
 * at least 1), the column of the authors' DDA table whose alpha is about half
 * a standard deviation: (b, k) = (3, 1), (4, 2), (5, 3), (6, 4) signed; at 2
 * bits k = 1 (ternary {0, ±1}).
 */
export function esbDefaultSignificantBits(bits: number, signed: boolean): number {
  return Math.max(1, (signed ? bits - 1 : bits) - 1);
}

/**
 * `significantBits` is an upper bound ("at most k significant bits"): a k
 * beyond the magnitude bits is the uniform grid, so one k serves a whole
 * chain of widths (k = 2 at 4, 3 and 2 bits: ESB, uniform 0..3, ternary).
 */
export function esbGrid(bits: number, signed: boolean, significantBits?: number): EsbGrid {
  assertQuantBits('esb', bits, false);
  const magnitudeBits = signed ? bits - 1 : bits;
  const requested = significantBits ?? esbDefaultSignificantBits(bits, signed);
  if (!Number.isInteger(requested) || requested < 1 || requested > 8) {
    throw new InvalidQuantOptionError('esb', 'significantBits', requested, 'an integer 1–8 (capped at the magnitude bits of each width)');
  }
  const k = Math.min(requested, magnitudeBits);
  const t = k - 1;
  const maxE = 2 ** (magnitudeBits - t) - 1;
  const maxLevel = (2 ** (t + 1) - 1) * 2 ** (maxE - 1);
  return { bits, signed, significantBits: k, magnitudeBits, mantissaBits: t, maxLevel };
}

/** floor(log2 m) for m >= 1, exact at powers of two. */
function floorLog2(m: number): number {
  let p = Math.floor(Math.log2(m));
  if (2 ** p > m) p -= 1;
  else if (2 ** (p + 1) <= m) p += 1;
  return p;
}

/** Nearest grid level to a magnitude m >= 0 (ties to even multiples of the local spacing). */
export function esbNearestLevel(m: number, g: EsbGrid): number {
  if (m >= g.maxLevel) return g.maxLevel;
  const spacing = m < 1 ? 1 : 2 ** Math.max(0, floorLog2(m) - g.mantissaBits);
  const r = Math.round(m / spacing);
  const even = r - m / spacing === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return Math.min(g.maxLevel, even * spacing);
}

/** Magnitude code of a grid level. */
export function esbCodeOfLevel(level: number, g: EsbGrid): number {
  const t = g.mantissaBits;
  if (level < 2 ** t) return level;
  const e = floorLog2(level) - t + 1;
  return (e << t) | (level / 2 ** (e - 1) - 2 ** t);
}

/** Grid level of a magnitude code. */
export function esbLevelOfCode(code: number, g: EsbGrid): number {
  const t = g.mantissaBits;
  const e = code >> t;
  const m = code & (2 ** t - 1);
  return e === 0 ? m : (2 ** t + m) * 2 ** (e - 1);
}
