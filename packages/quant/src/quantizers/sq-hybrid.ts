import { tf } from '@oqat/engine';
import type { Tensor } from '@oqat/engine';
import { InvalidQuantOptionError } from '../errors';

/**
 * SQ's hybrid weight (Dong et al. 2017): ŵ = mask·Q(w) + (1 - mask)·w, with
 * one mask value per filter (the index along `axis`; 1: the filter is
 * quantized this iteration, 0: it stays in full precision). The gradient
 * reaches each part separately: mask·dy to the quantized path (through the
 * quantizer's own straight-through estimator, and to its step), (1 - mask)·dy
 * to w directly. The mask is 0/1, so ŵ is exactly q or w element by element.
 */
export function sqHybridWeight(w: Tensor, q: Tensor, mask: ArrayLike<number>, axis: number): Tensor {
  if (!Number.isInteger(axis) || axis < 0 || axis >= w.rank) {
    throw new InvalidQuantOptionError('sqHybridWeight', 'axis', axis, `an axis of the rank-${w.rank} weight`);
  }
  if (q.shape.join(',') !== w.shape.join(',')) {
    throw new InvalidQuantOptionError('sqHybridWeight', 'q', `shape [${q.shape.join(', ')}]`, `w's shape [${w.shape.join(', ')}]`);
  }
  const filters = w.shape[axis]!;
  if (mask.length !== filters) {
    throw new InvalidQuantOptionError('sqHybridWeight', 'mask', `${mask.length} values`, `one value per filter (${filters} along axis ${axis})`);
  }
  const shape = w.shape.map((_, i) => (i === axis ? filters : 1));
  const m = tf.reshape(tf.tensor1d(Float32Array.from(mask)), shape);
  return tf.add(tf.mul(m, q), tf.mul(tf.sub(1, m), w));
}
