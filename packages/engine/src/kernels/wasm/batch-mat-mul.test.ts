import { createRng } from '@oqat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../index';
import { compareWithCpu, randomValues, relativeError, size } from './kernel-test-support';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', threads: 1 });
});

// [a's shape, b's shape] before transposition; odd sizes, batch 1, batch 3 and a broadcast batch.
const CASES: Array<[number[], number[]]> = [
  [[7, 5], [5, 3]],
  [[1, 13], [13, 9]],
  [[3, 6, 5], [3, 5, 7]],
  [[2, 4, 11], [1, 11, 6]],
];

/** The shape of an operand as passed with its transpose flag set. */
const transposed = (shape: number[]): number[] => [...shape.slice(0, -2), shape[shape.length - 1]!, shape[shape.length - 2]!];

describe.each(CASES)('wasm BatchMatMul of %j x %j', (aShape, bShape) => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transposeA=%s transposeB=%s matches the cpu backend', async (transposeA, transposeB) => {
    const rng = createRng(size(aShape) * 7 + size(bShape)).next;
    const pad = (shape: number[]) => (shape.length === 2 ? [1, ...shape] : shape);
    const [a, b] = [transposeA ? transposed(pad(aShape)) : pad(aShape), transposeB ? transposed(pad(bShape)) : pad(bShape)];
    const call = {
      kernel: 'BatchMatMul',
      inputs: { a: { shape: a, values: randomValues(size(a), rng) }, b: { shape: b, values: randomValues(size(b), rng) } },
      attrs: { transposeA, transposeB },
    };
    expect(await compareWithCpu(call)).toBeLessThan(1e-6);
  });
});

it('gives matMul the gradients of the cpu backend', async () => {
  const grads = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const rng = createRng(5).next;
      const a = tf.tensor2d(randomValues(9 * 7, rng), [9, 7]);
      const b = tf.tensor2d(randomValues(7 * 5, rng), [7, 5]);
      const w = tf.tensor2d(randomValues(9 * 5, rng), [9, 5]);
      return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]).map((g) => g.dataSync() as Float32Array);
    });
  };
  const expected = await grads('cpu');
  const actual = await grads('wasm');
  actual.forEach((g, i) => expect(relativeError(g, expected[i]!)).toBeLessThan(1e-6));
});
