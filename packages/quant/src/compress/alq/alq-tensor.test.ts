import { describe, expect, it } from 'vitest';
import { ShapeMismatchError } from '../../errors';
import { pack } from '../../packing/pack-bits';
import { alqAverageBits, alqBytes, decodeAlq, type AlqTensor } from './alq-tensor';

// group 0: 3 weights, 2 bases; group 1 (the short last one): 1 weight, 1 base... shape [2, 2], groupSize 3
const tensor: AlqTensor = {
  method: 'alq',
  shape: [2, 2],
  order: [0, 1],
  groupSize: 3,
  bases: Uint8Array.of(2, 1),
  coefficients: Float32Array.of(0.5, 0.25, 2),
  signs: Uint8Array.from([...pack([1, 0, 1], 1), ...pack([1, 1, 0], 1), ...pack([0], 1)]),
};

describe('AlqTensor', () => {
  it('decodes Σ α_i β_i group by group', () => {
    // group 0: 0.5·[+,-,+] + 0.25·[+,+,-] = [0.75, -0.25, 0.25]; group 1: 2·[-] = -2
    expect(Array.from(decodeAlq(tensor))).toEqual([0.75, -0.25, 0.25, -2]);
  });

  it('counts a byte per group, 4 per coefficient and one byte-aligned sign row per basis', () => {
    expect(alqBytes(tensor)).toBe(2 + 3 * 4 + 3);
  });

  it('reports the average bits as Σ I_g·len_g / numel', () => {
    expect(alqAverageBits(tensor)).toBeCloseTo((2 * 3 + 1 * 1) / 4, 12);
  });

  it('decodes a group with no bases as zeros', () => {
    const pruned: AlqTensor = { ...tensor, bases: Uint8Array.of(0, 1), coefficients: Float32Array.of(2), signs: pack([1], 1) };
    expect(Array.from(decodeAlq(pruned))).toEqual([0, 0, 0, 2]);
  });

  it('groups along the view transposed by order and decodes back to the layer layout', () => {
    // shape [2, 3] (rows r, columns c), order [1, 0]: groups are the columns (2 weights each)
    const columns: AlqTensor = {
      method: 'alq',
      shape: [2, 3],
      order: [1, 0],
      groupSize: 2,
      bases: Uint8Array.of(1, 1, 1),
      coefficients: Float32Array.of(1, 2, 3),
      signs: Uint8Array.from([...pack([1, 0], 1), ...pack([0, 0], 1), ...pack([1, 1], 1)]),
    };
    // column 0 = [1, -1], column 1 = [-2, -2], column 2 = [3, 3]
    expect(Array.from(decodeAlq(columns))).toEqual([1, -2, 3, -1, -2, 3]);
    expect(() => decodeAlq({ ...columns, order: [0, 0] })).toThrow(/order/);
  });

  it('refuses arrays that do not match the bases', () => {
    expect(() => decodeAlq({ ...tensor, coefficients: Float32Array.of(1) })).toThrow(ShapeMismatchError);
    expect(() => decodeAlq({ ...tensor, signs: new Uint8Array(1) })).toThrow(/signs/);
  });
});
