import { roundHalfEven } from '../bits';
import { uniformBounds, type UniformParams } from '../uniform-codec';

/** How a clipping range [lo, hi] becomes a uniform code. */
export interface RangeTarget {
  bits: number;
  signed: boolean;
  asymmetric: boolean;
}

/** Scale (and zero point) of one channel from its clipping range. */
export function scaleFromRange(lo: number, hi: number, t: RangeTarget): { scale: number; zeroPoint: number } {
  const b = uniformBounds(t.bits, t.signed, t.asymmetric);
  if (t.asymmetric) {
    const l = Math.min(lo, 0);
    const h = Math.max(hi, 0);
    const scale = h > l ? (h - l) / (b.hi - b.lo) : 1;
    const zeroPoint = Math.min(b.hi, Math.max(b.lo, roundHalfEven(-l / scale)));
    return { scale, zeroPoint };
  }
  // symmetric: the largest magnitude maps to the largest positive code.
  const c = t.signed ? Math.max(Math.abs(lo), Math.abs(hi)) : Math.max(hi, 0);
  return { scale: c > 0 ? c / b.hi : 1, zeroPoint: 0 };
}

/** UniformParams from one clipping range per channel. */
export function paramsFromRanges(ranges: ReadonlyArray<readonly [number, number]>, t: RangeTarget): UniformParams {
  const scales = new Float32Array(ranges.length);
  const zeroPoints = new Int32Array(ranges.length);
  ranges.forEach(([lo, hi], c) => {
    const r = scaleFromRange(lo, hi, t);
    scales[c] = r.scale;
    zeroPoints[c] = r.zeroPoint;
  });
  return { bits: t.bits, signed: t.signed, asymmetric: t.asymmetric, channels: ranges.length, scales, ...(t.asymmetric ? { zeroPoints } : {}) };
}
