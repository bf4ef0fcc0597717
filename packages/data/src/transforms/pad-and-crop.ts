/**
 * "Pad by p, then crop back to the original size at (p + offsetY, p + offsetX)":
 * a shift of the image by (-offsetY, -offsetX) with `fill` entering at the
 * borders. Written as a shift so no padded buffer is allocated. Offsets lie in
 * [-p, p]; the batch iterator draws them from its rng.
 */
export function padAndCrop<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  height: number,
  width: number,
  channels: number,
  offsetY: number,
  offsetX: number,
  fill = 0,
  out: T = new (src.constructor as new (length: number) => T)(src.length),
): T {
  let o = 0;
  for (let y = 0; y < height; y++) {
    const sy = y + offsetY;
    const rowInside = sy >= 0 && sy < height;
    for (let x = 0; x < width; x++) {
      const sx = x + offsetX;
      const inside = rowInside && sx >= 0 && sx < width;
      const base = (sy * width + sx) * channels;
      for (let c = 0; c < channels; c++) out[o++] = inside ? src[base + c]! : fill;
    }
  }
  return out;
}
