import { describe, expect, it } from 'vitest';
import { sameOutputSize, samePads } from './same-padding';

describe('same padding', () => {
  it('pads like TF SAME, the odd pixel after', () => {
    expect(samePads(10, 3, 1)).toEqual([1, 1]);
    expect(samePads(10, 3, 2)).toEqual([0, 1]);
    expect(samePads(12, 5, 2)).toEqual([1, 2]);
    expect(samePads(3, 7, 1)).toEqual([3, 3]);
    expect(samePads(7, 1, 2)).toEqual([0, 0]);
  });

  it('gives ceil(size / stride) outputs', () => {
    expect([sameOutputSize(7, 2), sameOutputSize(8, 2), sameOutputSize(5, 1)]).toEqual([4, 4, 5]);
  });
});
