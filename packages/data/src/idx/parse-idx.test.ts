import { describe, expect, it } from 'vitest';
import { IdxMagicError, IdxTruncatedError, InvalidDataOptionError } from '../errors';
import { encodeIdx } from './encode-idx';
import { parseIdx } from './parse-idx';

describe('parseIdx / encodeIdx', () => {
  it('round-trips arrays of rank 1 to 4', () => {
    for (const dims of [[5], [2, 3], [2, 3, 4], [1, 2, 2, 3]]) {
      const data = Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (i * 37) % 256);
      const parsed = parseIdx(encodeIdx(dims, data), 'mem.idx');
      expect(parsed.dims).toEqual(dims);
      expect(Array.from(parsed.data)).toEqual(Array.from(data));
    }
  });

  it('writes the standard header', () => {
    const bytes = encodeIdx([2, 1, 1], new Uint8Array([9, 8]));
    expect(Array.from(bytes)).toEqual([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 9, 8]);
  });

  it('names the file when the data is cut short', () => {
    const bytes = encodeIdx([4, 2, 2], new Uint8Array(16));
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), 'cut.idx')).toThrow(IdxTruncatedError);
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), 'cut.idx')).toThrow(
      'readIdx: cut.idx is truncated (header [4, 2, 2] needs 16 data bytes, found 15)',
    );
    expect(() => parseIdx(bytes.subarray(0, 10), 'head.idx')).toThrow(/head\.idx is truncated \(header needs 16 bytes/);
    expect(() => parseIdx(bytes.subarray(0, 2), 'tiny.idx')).toThrow(/tiny\.idx is truncated/);
  });

  it('names the file and the magic found when it is not IDX ubyte', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    expect(() => parseIdx(png, 'photo.png')).toThrow(IdxMagicError);
    expect(() => parseIdx(png, 'photo.png')).toThrow(/photo\.png has magic 0x89504e47/);
    const floats = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0]);
    expect(() => parseIdx(floats, 'f.idx')).toThrow(/f\.idx has magic 0x00000d01/);
    const rank9 = new Uint8Array([0, 0, 8, 9]);
    expect(() => parseIdx(rank9, 'r.idx')).toThrow(IdxMagicError);
  });

  it('refuses to encode data that does not fill the shape', () => {
    expect(() => encodeIdx([2, 2], new Uint8Array(3))).toThrow(InvalidDataOptionError);
  });
});
