import { InvalidQuantOptionError } from '../errors';

function quantile(sorted: Float32Array, p: number): number {
  if (sorted.length === 0) return 0;
  const pos = (p / 100) * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/**
 * Percentile calibration: clip at the p-th percentile instead of the extremes.
 * symmetric: ±(p-th percentile of |x|); otherwise [(100-p)-th, p-th] percentile of x.
 */
export function percentileRange(x: ArrayLike<number>, percentile: number, symmetric: boolean): [number, number] {
  if (!(percentile > 50 && percentile <= 100)) {
    throw new InvalidQuantOptionError('calibrate', 'percentile', percentile, 'in (50, 100]');
  }
  if (symmetric) {
    const a = Float32Array.from(x, Math.abs).sort();
    const c = quantile(a, percentile);
    return [-c, c];
  }
  const s = Float32Array.from(x).sort();
  return [quantile(s, 100 - percentile), quantile(s, percentile)];
}
