import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { inherit } from '../inherit';
import { Quantizer } from '../quantizer';
import { blockPowers } from '../quantizers/abfp-quantize';
import { normalArray } from '../test-support';
import { abfpInheritFactor } from './abfp';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

describe('abfp: bit inheritance', () => {
  it('scales the factor by 2^(from-to)·Qp_to/Qp_from (hand-computed), chain-consistent 4 -> 3 -> 2', () => {
    expect(abfpInheritFactor(4, 2, { bits: 4, signed: true })).toBeCloseTo(4 / 7, 12);
    expect(abfpInheritFactor(4, 3, { bits: 4, signed: true })).toBeCloseTo((2 * 3) / 7, 12);
    expect(abfpInheritFactor(3, 2, { bits: 3, signed: true })).toBeCloseTo(2 / 3, 12);
    expect(abfpInheritFactor(4, 2, { bits: 4, signed: false })).toBeCloseTo((4 * 3) / 15, 12);
    expect(abfpInheritFactor(4, 3, { bits: 4, signed: true }) * abfpInheritFactor(3, 2, { bits: 3, signed: true })).toBeCloseTo(4 / 7, 12);
  });

  // The table's abfp run collapsed at 2 bit (smallest subnet 19.8 %, chance 10 %): the factor was kept, so the block
  // exponent's growth (x4 or x8 from 4 to 2 bit, x7 on average) made the used 2-bit step ~7x the 4-bit one. Tensors at
  // eight scales over one octave, so that the blocks' exponents fall at every point between two powers of two.
  const SCALES = Array.from({ length: 8 }, (_, j) => 0.2 * 2 ** (j / 8));
  function inheritedTo2(shape: number[], scale: number, seed: number): { x: Tensor; q: Quantizer } {
    const x = tf.tensor(normalArray(createRng(seed), shape.reduce((a, b) => a * b, 1), scale), shape);
    const q = new Quantizer({ bits: 4, signed: true, format: 'abfp', blockSize: 128, stepInit: 'mse' });
    tf.dispose(q.quantize(x)); // the 4-bit factor from data (least squared error)
    inherit(q, 4, 2);
    return { x, q };
  }

  it('the used step s·P grows about 4x from 4 to 2 bit (geometric mean), as the uniform grid doubles per bit', () => {
    let logSum = 0;
    let count = 0;
    SCALES.forEach((scale, j) => {
      const { x, q } = inheritedTo2([64, 128], scale, 7 + j);
      logSum += tf.tidy(() => {
        const ratio = tf.div(tf.mul(blockPowers(x, 128, 1), q.stepValues(2)[0]!), tf.mul(blockPowers(x, 128, 7), q.stepValues(4)[0]!));
        return tf.sum(tf.log(ratio)).dataSync()[0]!;
      });
      count += x.size;
      x.dispose();
      q.dispose();
    });
    const ratio = Math.exp(logSum / count);
    expect(ratio).toBeGreaterThan(3.2);
    expect(ratio).toBeLessThan(5); // the factor kept: about 7
  });

  it('inherited 4 -> 2, depthwise-shaped Gaussian layers keep most 2-bit codes non-zero and few channels dead', () => {
    // [3, 3, 96, 1]: 9 weights per output channel, blocks of 128 across channels (the tfjs layout, the run's block size)
    let zeros = 0;
    let total = 0;
    let dead = 0;
    SCALES.forEach((scale, j) => {
      const { x, q } = inheritedTo2([3, 3, 96, 1], scale, 3 + j);
      tf.tidy(() => {
        const nz = tf.notEqual(q.quantize(x), 0);
        zeros += x.size - tf.sum(tf.cast(nz, 'int32')).dataSync()[0]!;
        dead += tf.sum(tf.cast(tf.logicalNot(tf.any(nz, [0, 1, 3])), 'int32')).dataSync()[0]!;
      });
      total += x.size;
      x.dispose();
      q.dispose();
    });
    // a 4-level grid at the MSE step (about sigma) zeroes |x| < sigma/2, 38 % of a Gaussian; uniform's x4: 50 %.
    // With the factor kept: 79 % zeros and 88 of the 768 channels dead; inherited as here: 53 % and 4.
    expect(zeros / total).toBeLessThan(0.6);
    expect(dead).toBeLessThanOrEqual(8);
  });
});
