import { OFA_MBV3_SPACE } from '@oqat/latency';
import { describe, expect, it } from 'vitest';
import { InvalidSpaceError } from '../errors';
import { FASHION_MNIST_SPACE } from './fashion-mnist-space';
import { parseSearchSpace } from './parse-search-space';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('parseSearchSpace', () => {
  it('accepts both built-in spaces through a JSON round trip', () => {
    expect(parseSearchSpace(clone(FASHION_MNIST_SPACE))).toEqual(FASHION_MNIST_SPACE);
    expect(parseSearchSpace(clone(OFA_MBV3_SPACE))).toEqual(OFA_MBV3_SPACE);
  });

  it('sorts choice lists', () => {
    const s = clone(FASHION_MNIST_SPACE);
    s.stages[0]!.kernels = [7, 3, 5];
    expect(parseSearchSpace(s).stages[0]!.kernels).toEqual([3, 5, 7]);
  });

  const bad: Array<[string, (s: any) => void, RegExp]> = [
    ['even kernel', (s) => (s.stages[1].kernels = [3, 4]), /stages\[1\]\.kernels\[1\] must be odd.*got 4/],
    ['missing depths', (s) => delete s.stages[0].depths, /stages\[0\]\.depths must be an array/],
    ['typo field', (s) => (s.stages[2].depth = [1]), /stages\[2\]\.depth is not a known field/],
    ['bad bits', (s) => (s.bits = [4, 9]), /bits\[1\] must be one of 2, 3, 4, 5, 6, 7, 8, 32, got 9/],
    ['repeated', (s) => (s.resolutions = [28, 28]), /resolutions must not repeat/],
    ['bad act', (s) => (s.head.act = 'gelu'), /head\.act must be one of relu, relu6, hswish, got "gelu"/],
    ['stride 3', (s) => (s.stages[0].stride = 3), /stages\[0\]\.stride must be an integer in 1\.\.2, got 3/],
    ['no stages', (s) => (s.stages = []), /stages must be an array of at least 1/],
    ['not an object', (s) => (s.stem = 16), /stem must be an object, got 16/],
  ];
  it.each(bad)('names the field: %s', (_, edit, message) => {
    const s = clone(FASHION_MNIST_SPACE);
    edit(s);
    expect(() => parseSearchSpace(s)).toThrow(InvalidSpaceError);
    expect(() => parseSearchSpace(s)).toThrow(message);
  });
});
