import { describe, expect, it } from 'vitest';
import { createRng } from '@oqat/core';
import { pack } from './pack-bits';
import { unpack } from './unpack-bits';

describe('pack / unpack', () => {
  for (const bits of [2, 3, 4, 8]) {
    for (const signed of [false, true]) {
      it(`round-trips ${bits}-bit ${signed ? 'signed' : 'unsigned'} values exactly, with no padding between values`, () => {
        const rng = createRng(bits * 2 + (signed ? 1 : 0));
        const lo = signed ? -(2 ** (bits - 1)) : 0;
        const levels = 2 ** bits;
        for (const n of [0, 1, 7, 8, 9, 1001]) {
          const ints = Int32Array.from({ length: n }, (_, i) => (i < levels ? lo + i : lo + Math.floor(rng.next() * levels)));
          const bytes = pack(ints, bits, { signed });
          expect(bytes.length).toBe(Math.ceil((n * bits) / 8));
          expect(Array.from(unpack(bytes, bits, n, { signed }))).toEqual(Array.from(ints));
        }
      });
    }
  }

  it('lays values out low bit first in a little-endian bit stream', () => {
    expect(Array.from(pack([1, 2, 3, 0], 2))).toEqual([0b00111001]);
    // 3-bit: 5 = 101, 6 = 110, 7 = 111 -> stream 101 011 111 (LSB first) -> bytes 0b11110101, 0b1
    expect(Array.from(pack([5, 6, 7], 3))).toEqual([0b11110101, 0b1]);
    expect(Array.from(pack([-1, -2], 4, { signed: true }))).toEqual([0xef]);
  });

  it('rejects values that do not fit and short buffers with one-line messages', () => {
    expect(() => pack([4], 2)).toThrow('pack: value 4 at index 0 does not fit 2-bit unsigned (0..3)');
    expect(() => pack([-1], 2)).toThrow(/pass \{ signed: true \}/);
    expect(() => pack([2], 2, { signed: true })).toThrow('2-bit signed (-2..1)');
    expect(() => pack([1], 12)).toThrow('pack: bits must be 1–8, got 12');
    expect(() => unpack(new Uint8Array(1), 3, 3)).toThrow('unpack: 3 values of 3 bits need 2 bytes, got 1');
  });
});
