/** Min-max calibration: the clipping range of a channel is its full range. */
export function minMaxRange(x: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return x.length ? [lo, hi] : [0, 0];
}
