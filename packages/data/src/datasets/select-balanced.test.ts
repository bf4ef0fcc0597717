import { describe, expect, it } from 'vitest';
import { InvalidDataOptionError } from '../errors';
import { createRng } from '@oqat/core';
import { selectBalanced } from './select-balanced';

describe('selectBalanced', () => {
  const labels = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 3);

  it('takes perClass of each class, sorted, the same for a seed', () => {
    const picked = selectBalanced(labels, 3, 20, createRng(5));
    expect(picked.length).toBe(60);
    expect(Array.from(picked)).toEqual(Array.from(picked).sort((a, b) => a - b));
    expect(new Set(picked).size).toBe(60);
    for (let c = 0; c < 3; c++) expect(Array.from(picked).filter((i) => labels[i] === c).length).toBe(20);
    expect(Array.from(selectBalanced(labels, 3, 20, createRng(5)))).toEqual(Array.from(picked));
    expect(Array.from(selectBalanced(labels, 3, 20, createRng(6)))).not.toEqual(Array.from(picked));
  });

  it('refuses more than a class holds', () => {
    expect(() => selectBalanced(labels, 3, 101, createRng(1))).toThrow(InvalidDataOptionError);
  });
});
