/** Mirrors one HWC image left–right. `out` must not alias `src`. */
export function flipHorizontal<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  height: number,
  width: number,
  channels: number,
  out: T = src.slice() as T,
): T {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const from = (row + width - 1 - x) * channels;
      const to = (row + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = src[from + c]!;
    }
  }
  return out;
}
