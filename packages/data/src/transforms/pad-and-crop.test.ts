import { describe, expect, it } from 'vitest';
import { flipHorizontal } from './flip-horizontal';
import { normalizePixels } from './normalize';
import { padAndCrop } from './pad-and-crop';

// 3x3 image, values 1..9 row by row.
const image = Float32Array.from({ length: 9 }, (_, i) => i + 1);

describe('padAndCrop', () => {
  it('shifts content and fills the border', () => {
    expect(Array.from(padAndCrop(image, 3, 3, 1, 0, 0))).toEqual(Array.from(image));
    expect(Array.from(padAndCrop(image, 3, 3, 1, 1, 0))).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
    expect(Array.from(padAndCrop(image, 3, 3, 1, -1, 1, -5))).toEqual([-5, -5, -5, 2, 3, -5, 5, 6, -5]);
    const mask = Int32Array.from([1, 2, 3, 4]);
    const shifted = padAndCrop(mask, 2, 2, 1, 0, -1, 255);
    expect(shifted).toBeInstanceOf(Int32Array);
    expect(Array.from(shifted)).toEqual([255, 1, 255, 3]);
  });
});

describe('flipHorizontal', () => {
  it('mirrors rows and is its own inverse', () => {
    expect(Array.from(flipHorizontal(image, 3, 3, 1))).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    const rgb = Float32Array.from([1, 2, 3, 4, 5, 6]); // 1x2x3
    expect(Array.from(flipHorizontal(rgb, 1, 2, 3))).toEqual([4, 5, 6, 1, 2, 3]);
    expect(Array.from(flipHorizontal(flipHorizontal(image, 3, 3, 1), 3, 3, 1))).toEqual(Array.from(image));
  });
});

describe('normalizePixels', () => {
  it('maps 0..255 to (x/255 - mean) / std', () => {
    const out = normalizePixels(new Float32Array([0, 255, 127.5]), { mean: 0.5, std: 0.25 });
    expect(Array.from(out).map((v) => Number(v.toFixed(5)))).toEqual([-2, 2, 0]);
    expect(Array.from(normalizePixels(new Float32Array([0, 51, 255])))).toEqual([0, 0.2, 1].map(Math.fround));
  });
});
