import { describe, expect, it } from 'vitest';
import { InvalidQuantOptionError, ShapeMismatchError } from '../../errors';
import { fromFloat16Bits, roundToFloat16, toFloat16Bits } from './float16';
import { decodeVq, vqBytes, vqElementOffsets, vqIndexBitsPerWeight, type VqTensor } from './vq-tensor';

const half = (values: number[]) => Uint16Array.from(values, toFloat16Bits);

describe('float16', () => {
  it('writes known binary16 patterns, ties to even, subnormals and overflow', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // rounds up past the largest finite
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, even mantissa stays
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, odd mantissa rounds up
  });

  it('round-trips every finite binary16 pattern', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) !== 0x7c00 && toFloat16Bits(fromFloat16Bits(h)) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect(roundToFloat16(0.1)).toBeCloseTo(0.0999755859375, 12);
  });
});

describe('decodeVq', () => {
  it('puts each codeword at its sub-vector of a linear [in, out] weight, row per output', () => {
    // [4, 2], d = 2: output 0 takes c0 then c1, output 1 c1 then c0
    const t: VqTensor = { method: 'vq', shape: [4, 2], blockSize: 2, codewords: 2, codebook: half([1, 2, 3, 4]), indices: Uint8Array.from([0, 1, 1, 0]) };
    expect(Array.from(decodeVq(t))).toEqual([1, 3, 2, 4, 3, 1, 4, 2]);
    expect(vqBytes(t)).toBe(4 + 4 * 2);
  });

  it('cuts a 3x3 conv into one kernel per (input, output) with d = 9', () => {
    // HWIO [3, 3, 2, 1]: sub-vector 0 is input 0's kernel, 1 is input 1's
    expect(Array.from(vqElementOffsets([3, 3, 2, 1], 9))).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 1, 3, 5, 7, 9, 11, 13, 15, 17]);
    const codebook = half([...Array(9).fill(1), ...Array(9).fill(-1)]);
    const t: VqTensor = { method: 'vq', shape: [3, 3, 2, 1], blockSize: 9, codewords: 2, codebook, indices: Uint8Array.from([1, 0]) };
    expect(Array.from(decodeVq(t))).toEqual(Array.from({ length: 18 }, (_, e) => (e % 2 === 0 ? -1 : 1)));
  });

  it('uses two-byte indices above 256 codewords and counts them', () => {
    const codebook = new Uint16Array(300 * 4);
    codebook[299 * 4] = toFloat16Bits(5);
    const t: VqTensor = { method: 'vq', shape: [4, 1], blockSize: 4, codewords: 300, codebook, indices: Uint16Array.from([299]) };
    expect(Array.from(decodeVq(t))).toEqual([5, 0, 0, 0]);
    expect(vqBytes(t)).toBe(2 + 300 * 4 * 2);
    expect(vqIndexBitsPerWeight({ codewords: 256, blockSize: 8 })).toBe(1);
  });

  it('refuses a block size that does not divide a row, short arrays, wrong index width and out-of-range indices', () => {
    const base: VqTensor = { method: 'vq', shape: [4, 2], blockSize: 2, codewords: 2, codebook: half([1, 2, 3, 4]), indices: Uint8Array.from([0, 1, 1, 0]) };
    expect(() => decodeVq({ ...base, blockSize: 3 })).toThrow(InvalidQuantOptionError);
    expect(() => decodeVq({ ...base, indices: Uint8Array.from([0, 1]) })).toThrow(ShapeMismatchError);
    expect(() => decodeVq({ ...base, codebook: half([1, 2]) })).toThrow(ShapeMismatchError);
    expect(() => decodeVq({ ...base, indices: Uint16Array.from([0, 1, 1, 0]) })).toThrow(/Uint8Array/);
    expect(() => decodeVq({ ...base, indices: Uint8Array.from([0, 1, 2, 0]) })).toThrow(/below the 2 codewords/);
  });
});
