import { bilinearPlan, resizeBilinear } from './resize-bilinear';

/**
 * An image brought to dstHeight × dstWidth keeping its aspect ratio: the
 * largest centred crop of the target's aspect ratio, then bilinear
 * interpolation with half-pixel centres (resizeBilinear, as the batches
 * resize), rounded to bytes. Two taps per axis, no antialiasing filter (as
 * tf.image.resize's default): shrinking by a large factor aliases.
 */
export function resizeToCover(
  pixels: Uint8Array, height: number, width: number, channels: number, dstHeight: number, dstWidth: number,
): Uint8Array {
  // Crop the longer side (relative to the target's shape) to the target's aspect ratio.
  const wide = width * dstHeight > height * dstWidth;
  const cropHeight = wide ? height : Math.max(1, Math.round((width * dstHeight) / dstWidth));
  const cropWidth = wide ? Math.max(1, Math.round((height * dstWidth) / dstHeight)) : width;
  const top = Math.floor((height - cropHeight) / 2);
  const left = Math.floor((width - cropWidth) / 2);
  const crop = new Uint8Array(cropHeight * cropWidth * channels);
  for (let y = 0; y < cropHeight; y++) {
    const from = ((top + y) * width + left) * channels;
    crop.set(pixels.subarray(from, from + cropWidth * channels), y * cropWidth * channels);
  }
  const resized = resizeBilinear(crop, bilinearPlan(cropHeight, cropWidth, dstHeight, dstWidth), channels);
  return Uint8Array.from(resized, (v) => Math.min(255, Math.max(0, Math.round(v))));
}
