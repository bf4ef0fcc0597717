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

export function esbGrid(bits: number, signed: boolean, significantBits?: number): EsbGrid {
  assertQuantBits('esb', bits, false);
  const magnitudeBits = signed ? bits - 1 : bits;
  const k = significantBits ?? Math.max(1, bits - 2);
  if (!Number.isInteger(k) || k < 1 || k > magnitudeBits) {
    throw new InvalidQuantOptionError('esb', 'significantBits', k, `1–${magnitudeBits} for ${bits}-bit ${signed ? 'signed' : 'unsigned'} values`);
  }
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
