import { roundHalfEven } from '../bits';
import { uniformBounds } from '../uniform-codec';
import { scaleFromRange, type RangeTarget } from './clip-range';

/** Σ (x - Q(x))² of one channel for a given scale and zero point. */
export function uniformSquaredError(x: ArrayLike<number>, scale: number, zeroPoint: number, t: RangeTarget): number {
  const { lo, hi } = uniformBounds(t.bits, t.signed, t.asymmetric);
  let err = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    let q = roundHalfEven(Math.fround(v / scale)) + zeroPoint;
    q = q < lo ? lo : q > hi ? hi : q;
    const d = v - (q - zeroPoint) * scale;
    err += d * d;
  }
  return err;
}

/**
 * MSE-optimal clipping (minimum-mean-squared-error quantization): shrink the
 * full range [lo, hi] by a factor a in (0, 1] and keep the a that minimises
 * ‖x − Q(x)‖². A grid of `gridSize` factors, then a finer grid around the best.
 */
export function mseOptimalRange(
  x: ArrayLike<number>,
  full: readonly [number, number],
  t: RangeTarget,
  gridSize = 100,
): [number, number] {
  const errorAt = (a: number): number => {
    const { scale, zeroPoint } = scaleFromRange(a * full[0], a * full[1], t);
    return uniformSquaredError(x, scale, zeroPoint, t);
  };
  let best = 1;
  let bestErr = errorAt(1);
  for (let i = 1; i < gridSize; i++) {
    const a = i / gridSize;
    const e = errorAt(a);
    if (e < bestErr) [best, bestErr] = [a, e];
  }
  const width = 1 / gridSize;
  for (let i = -10; i <= 10; i++) {
    const a = best + (i / 10) * width;
    if (a <= 0 || a > 1) continue;
    const e = errorAt(a);
    if (e < bestErr) [best, bestErr] = [a, e];
  }
  return [best * full[0], best * full[1]];
}
