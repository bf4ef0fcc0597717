import { createRng } from '@oqat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../index';
import type { HardActivationKind } from '../kernel-names';
import { relativeError } from '../kernels/wasm/kernel-test-support';
import { hardActivation } from './hard-activation';

/** The tf-op composites the supernet used before this op (the reference, differentiated by tfjs). */
const COMPOSITES: Record<HardActivationKind, (x: tf.Tensor) => tf.Tensor> = {
  hswish: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
  hsigmoid: (x) => tf.div(tf.relu6(tf.add(x, 3)), 6),
  relu6: (x) => tf.relu6(x),
};
const KINDS = Object.keys(COMPOSITES) as HardActivationKind[];
// Odd sizes: no SIMD lanes at all, a tail after them, many rows.
const SHAPES = [[1], [7], [3, 5, 7], [2, 9, 9, 13], [4, 17, 17, 9]];
const BACKENDS = ['cpu', 'wasm'] as const;

/** Random values in [-8, 8] and the kinks (-3, 0, 3, 6) exactly, where the masks decide. */
function xValues(count: number, rng: () => number): Float32Array {
  const kinks = [-3, 0, 3, 6, -6, 9];
  return Float32Array.from({ length: count }, (_, i) => (i % 5 === 0 ? kinks[(i / 5) % kinks.length]! : rng() * 16 - 8));
}

/** y and dx of sum(f(x) * w) for f = the op or its composite; +0 turns -0 into 0. */
function run(shape: number[], f: (x: tf.Tensor) => tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const rng = createRng(shape.length * 31 + shape[0]!).next;
    const count = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(xValues(count, rng), shape);
    const w = tf.tensor(Float32Array.from({ length: count }, () => rng() * 2 - 1), shape);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), w)))(x);
    return [f(x), dx].map((t) => Float32Array.from(t.dataSync(), (v) => v + 0));
  });
}

beforeAll(async () => {
  await initEngine({ backend: 'wasm', threads: 1 });
  await tf.setBackend('cpu');
  await initEngine({ backend: 'cpu' }); // registers the op's cpu kernels too
});

describe('hardActivation', () => {
  describe.each(BACKENDS)('on %s', (backend) => {
    it.each(KINDS.flatMap((kind) => SHAPES.map((shape) => [kind, shape] as const)))('%s of [%s] equals the tf-op composite, value and gradient', async (kind, shape) => {
      await tf.setBackend(backend);
      const [y, dx] = run([...shape], COMPOSITES[kind]);
      const before = tf.memory().numTensors;
      const [fy, fdx] = run([...shape], (x) => hardActivation(x, kind));
      expect(tf.memory().numTensors).toBe(before);
      // Same arithmetic in the same order: identical bits.
      expect(fy).toEqual(y);
      expect(relativeError(fdx!, dx!)).toBe(0);
    });
  });

  it('rejects an unknown activation and a non-float input', () => {
    tf.tidy(() => {
      expect(() => hardActivation(tf.zeros([2]), 'swish' as HardActivationKind)).toThrow(/hswish, hsigmoid, relu6, got swish/);
      expect(() => hardActivation(tf.zeros([2], 'int32'), 'relu6')).toThrow(/float32, got int32/);
    });
  });
});
