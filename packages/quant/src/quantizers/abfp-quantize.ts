import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { assertQuantBits, quantRange } from '../bits';
import { InvalidQuantOptionError, StepShapeError } from '../errors';
import { lsqQuantize } from './lsq';
import { runCustomGrad } from './run-custom-grad';

export interface AbfpQuantizeOptions {
  bits: number;
  signed: boolean;
  /** values per block sharing one exponent (consecutive in row-major order); default 16. */
  blockSize?: number;
  gradScale?: number;
}

/** Smallest block magnitude treated as non-zero (keeps exponents finite; fits int8). */
export const ABFP_TINY = 1e-30;

export function checkBlockSize(operation: string, blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new InvalidQuantOptionError(operation, 'blockSize', blockSize, 'a positive integer');
  }
}

/**
 * 2^e per element, e the smallest integer with 2^e·Qp >= max |x| of the
 * element's block. No gradient flows through it (exponents are data, not weights).
 */
export function blockPowers(x: Tensor, blockSize: number, qp: number): Tensor {
  return runCustomGrad(([xi]) => {
    const value = tf.tidy(() => {
      const n = xi!.size;
      const blocks = Math.ceil(n / blockSize);
      const flat = tf.reshape(xi!, [n]);
      const padded = blocks * blockSize > n ? tf.pad(flat, [[0, blocks * blockSize - n]]) : flat;
      const ratio = tf.div(tf.maximum(tf.max(tf.abs(tf.reshape(padded, [blocks, blockSize])), 1, true), ABFP_TINY), qp);
      const two = tf.scalar(2);
      let e = tf.ceil(tf.div(tf.log(ratio), Math.LN2));
      // float32 log is not exact: make e minimal with 2^e >= ratio.
      e = tf.where(tf.greaterEqual(tf.pow(two, tf.sub(e, 1)), ratio), tf.sub(e, 1), e);
      e = tf.where(tf.less(tf.pow(two, e), ratio), tf.add(e, 1), e);
      const perValue = tf.reshape(tf.mul(tf.pow(two, e), tf.ones([1, blockSize])), [blocks * blockSize]);
      return tf.reshape(blocks * blockSize > n ? tf.slice(perValue, [0], [n]) : perValue, xi!.shape);
    });
    return { value, gradFunc: (dy: Tensor) => [tf.zerosLike(dy)] };
  }, [x]);
}

/**
 * ABFP fake quantizer (adaptive block floating point): each block of values
 * shares a power-of-two exponent P = 2^e sized to the block's largest
 * magnitude; a learned per-tensor factor s (the inverse of the gain) sets
 * the step s·P: x̂ = P·clamp(round(x/(s·P)), -Qn, Qp)·s. Gradients: LSQ's
 * rule through x/P (straight-through for x, LSQ for s).
 */
function abfpQuantize_(x: Tensor, step: Tensor, options: AbfpQuantizeOptions): Tensor {
  assertQuantBits('abfpQuantize', options.bits, false);
  const blockSize = options.blockSize ?? 16;
  checkBlockSize('abfpQuantize', blockSize);
  if (step.size !== 1) throw new StepShapeError('abfpQuantize', step.shape, '[] (ABFP learns one factor per tensor)');
  const { qp } = quantRange(options.bits, options.signed);
  const p = blockPowers(x, blockSize, qp);
  return tf.mul(lsqQuantize(tf.div(x, p), step, { bits: options.bits, signed: options.signed, gradScale: options.gradScale }), p);
}

export const abfpQuantize = tf.op({ abfpQuantize_ });
