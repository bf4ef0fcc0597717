import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageDecodeError } from '../errors';

/** One decoded image: HWC bytes, one channel where every pixel is grey, else three (alpha dropped). */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

/** File name endings the folder readers take as images. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** RGBA or RGB rows from a decoder, as `stride` bytes per pixel. */
function toGreyOrRgb(width: number, height: number, data: Uint8Array, stride: 3 | 4): DecodedImage {
  const pixels = width * height;
  let grey = true;
  for (let p = 0; p < pixels && grey; p++) {
    const o = p * stride;
    grey = data[o] === data[o + 1] && data[o] === data[o + 2];
  }
  const channels = grey ? 1 : 3;
  const out = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    if (grey) out[p] = data[p * stride]!;
    else out.set(data.subarray(p * stride, p * stride + 3), p * 3);
  }
  return { width, height, channels, pixels: out };
}

/**
 * Decodes a PNG (pngjs) or baseline/progressive JPEG (jpeg-js), told apart by
 * their first bytes, not the file name. Grey or colour is what the pixels
 * are (a colour file whose pixels are all grey is grey), so one folder can
 * mix the two. A truncated or damaged file throws ImageDecodeError naming it.
 */
export function decodeImage(file: string, bytes: Uint8Array): DecodedImage {
  try {
    if (startsWith(bytes, PNG_SIGNATURE)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return toGreyOrRgb(png.width, png.height, png.data, 4);
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      // tolerantDecoding off: a cut-off file must fail, not decode to grey blocks.
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: 100 });
      return toGreyOrRgb(image.width, image.height, image.data, 3);
    }
  } catch (error) {
    throw new ImageDecodeError(file, (error as Error).message || String(error));
  }
  throw new ImageDecodeError(file, bytes.length === 0 ? 'the file is empty' : 'it is neither PNG nor JPEG');
}
