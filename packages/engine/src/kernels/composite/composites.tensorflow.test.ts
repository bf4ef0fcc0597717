// The tf-op composites of the fused kernels on the `tensorflow` backend
// (tfjs-node), where every fused op runs through them: value and gradients
// against the same op on cpu. Needs a built @tensorflow/tfjs-node, so it is
// left out of `npm test` (vitest.shared.ts) and run by CI's tensorflow step:
// `npx vitest run --config tools/tfjs-node/vitest.config.ts`.
import { createRng } from '@oqat/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../index';
import { registerEngineKernels } from '../../register-kernels';
import { batchNormTrain } from '../../ops/batch-norm-train';
import { hardActivation } from '../../ops/hard-activation';
import { lsqFakeQuantize } from '../../ops/lsq-fake-quantize';
import { sgdMomentumUpdate } from '../../ops/sgd-momentum-update';
import type { HardActivationKind } from '../../kernel-names';
import { randomValues, relativeError } from '../wasm/kernel-test-support';

let backend = '';

beforeAll(async () => {
  backend = (await initEngine({ backend: 'tensorflow' })).backend;
  registerEngineKernels('cpu'); // the reference side
});

/** f's outputs (as plain arrays, -0 made 0) on cpu and on tensorflow. */
async function onBoth(f: () => tf.Tensor[]): Promise<{ expected: Float32Array[]; actual: Float32Array[] }> {
  const run = () => tf.tidy(() => f().map((t) => Float32Array.from(t.dataSync(), (v) => v + 0)));
  await tf.setBackend('cpu');
  const expected = run();
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const actual = run();
  expect(tf.memory().numTensors).toBe(before);
  return { expected, actual };
}

const rngOf = (seed: number) => createRng(seed).next;

describe('the fused ops on tensorflow match cpu', () => {
  it.each([false, true])('batchNormTrain, relu=%s: y, mean, variance and the gradients of x, scale, offset', async (relu) => {
    const { expected, actual } = await onBoth(() => {
      const rng = rngOf(relu ? 2 : 1);
      const x = tf.tensor4d(randomValues(2 * 5 * 5 * 6, rng).map((v) => v * 3 + 1), [2, 5, 5, 6]);
      const w = tf.tensor4d(randomValues(2 * 5 * 5 * 6, rng), [2, 5, 5, 6]);
      const scale = tf.tensor1d(randomValues(6, rng).map((v) => v + 1.5));
      const offset = tf.tensor1d(randomValues(6, rng));
      const out = batchNormTrain(x, scale, offset, { epsilon: 1e-3, relu });
      const f = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
        tf.sum(tf.mul(batchNormTrain(a as tf.Tensor4D, s as tf.Tensor1D, o as tf.Tensor1D, { epsilon: 1e-3, relu }).y, w)) as tf.Scalar;
      return [out.y, out.mean, out.variance, ...tf.grads(f)([x, scale, offset])];
    });
    actual.forEach((values, i) => expect(relativeError(values, expected[i]!)).toBeLessThan(1e-4));
  });

  it.each([
    ['per tensor', [3, 4, 4, 5], [1]],
    ['per channel', [3, 4, 4, 5], [5]],
  ] as const)('lsqFakeQuantize %s at 2/4/8 bits: levels exact, dx exact, dStep close', async (_, xShape, stepShape) => {
    for (const bits of [2, 4, 8]) {
      const { expected, actual } = await onBoth(() => {
        const rng = rngOf(bits);
        const count = xShape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(randomValues(count, rng).map((v) => v * 2), [...xShape]);
        const w = tf.tensor(randomValues(count, rng), [...xShape]);
        const step = tf.tensor(Array.from({ length: stepShape[0] }, () => 0.05 + rng() * 0.3), [...stepShape]);
        const options = { qn: 2 ** (bits - 1), qp: 2 ** (bits - 1) - 1, gradScale: 1 / Math.sqrt(count * (2 ** (bits - 1) - 1)) };
        const f = (a: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(lsqFakeQuantize(a, s, options), w)) as tf.Scalar;
        return [lsqFakeQuantize(x, step, options), ...tf.grads(f)([x, step])];
      });
      expect(actual[0]).toEqual(expected[0]);
      expect(actual[1]).toEqual(expected[1]);
      expect(relativeError(actual[2]!, expected[2]!)).toBeLessThan(1e-4);
    }
  });

  it.each(['hswish', 'hsigmoid', 'relu6'] as HardActivationKind[])('hardActivation %s: value and gradient', async (kind) => {
    const { expected, actual } = await onBoth(() => {
      const rng = rngOf(7);
      // -3, 0, 3 and 6 are the kinks: include them exactly.
      const x = tf.tensor2d([...randomValues(61, rng).map((v) => v * 5), -3, 0, 3, 6, 2.5], [6, 11]);
      const w = tf.tensor2d(randomValues(66, rng), [6, 11]);
      const f = (a: tf.Tensor) => tf.sum(tf.mul(hardActivation(a, kind), w)) as tf.Scalar;
      return [hardActivation(x, kind), tf.grad(f)(x)];
    });
    actual.forEach((values, i) => expect(relativeError(values, expected[i]!)).toBeLessThan(1e-6));
  });

  it('sgdMomentumUpdate with Nesterov, decay, a gradient scale and the step bound', async () => {
    const { expected, actual } = await onBoth(() => {
      const rng = rngOf(11);
      const w = tf.tensor1d(randomValues(37, rng).map((v) => v + 1.2));
      const v = tf.tensor1d(randomValues(37, rng));
      const g = tf.tensor1d(randomValues(37, rng));
      const next = sgdMomentumUpdate(w, v, g, 0.3, 0.9, { nesterov: true, weightDecay: 1e-3, gradScale: 0.5, bounded: true });
      return [next.variable, next.velocity];
    });
    actual.forEach((values, i) => expect(relativeError(values, expected[i]!)).toBeLessThan(1e-6));
  });
});
