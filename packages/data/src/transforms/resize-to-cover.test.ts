import { describe, expect, it } from 'vitest';
import { resizeToCover } from './resize-to-cover';

describe('resizeToCover', () => {
  it('keeps an image of the target size as it is', () => {
    const pixels = Uint8Array.from({ length: 4 * 6 * 3 }, (_, i) => (i * 11) % 256);
    expect(resizeToCover(pixels, 4, 6, 3, 4, 6)).toEqual(pixels);
  });

  it('crops the centre to the target aspect ratio, then resizes bilinearly', () => {
    // 2 rows x 6 columns, grey: columns 0 and 5 are cut off by the 2x4 crop, then halved to 1x2
    const row = [0, 10, 20, 30, 40, 250];
    const pixels = Uint8Array.from([...row, ...row]);
    // crop columns 1..4 (10, 20, 30, 40); halving averages pairs (half-pixel centres): 15, 35
    expect([...resizeToCover(pixels, 2, 6, 1, 1, 2)]).toEqual([15, 35]);
    // a tall image crops rows: 6x1 -> 2x1 keeps the middle rows 2 and 3
    expect([...resizeToCover(Uint8Array.from(row), 6, 1, 1, 2, 1)]).toEqual([20, 30]);
  });

  it('upscales a smaller image (the corners stay the corners)', () => {
    const out = resizeToCover(Uint8Array.from([0, 200, 100, 255]), 2, 2, 1, 4, 4);
    expect(out.length).toBe(16);
    expect([out[0], out[3], out[12], out[15]]).toEqual([0, 200, 100, 255]);
  });
});
