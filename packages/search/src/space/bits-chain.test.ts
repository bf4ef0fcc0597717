import { describe, expect, it } from 'vitest';
import { bitsChainProblem, quantizedWidths } from './bits-chain';
import { FASHION_MNIST_SPACE } from './fashion-mnist-space';

describe('bitsChainProblem', () => {
  it('accepts a chain of the space own widths going down', () => {
    expect(quantizedWidths(FASHION_MNIST_SPACE)).toEqual([4, 3, 2]);
    expect(bitsChainProblem(FASHION_MNIST_SPACE, [4, 3, 2])).toBeUndefined();
    expect(bitsChainProblem(FASHION_MNIST_SPACE, [3])).toBeUndefined();
  });

  it('refuses a width the space has no subnets at, naming the space widths', () => {
    expect(bitsChainProblem(FASHION_MNIST_SPACE, [8, 4])).toBe(
      `8 is not a bit width of space '${FASHION_MNIST_SPACE.name}' (its widths: 4, 3, 2)`,
    );
    expect(bitsChainProblem(FASHION_MNIST_SPACE, [4, 32])).toMatch(/^32 is not a bit width/);
  });

  it('refuses an empty chain and one that does not go down', () => {
    expect(bitsChainProblem(FASHION_MNIST_SPACE, [])).toMatch(/empty/);
    expect(bitsChainProblem(FASHION_MNIST_SPACE, [2, 4])).toBe('must go down (inheritance passes a supernet to fewer bits), got 2 → 4');
    expect(bitsChainProblem(FASHION_MNIST_SPACE, [4, 4])).toMatch(/must go down/);
  });
});
