import { initEngine, tf } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { StaticQuant } from './static-quant';

const values = (config: ConstructorParameters<typeof StaticQuant>[0], x: number[][]): number[] => {
  const q = new StaticQuant(config);
  try {
    return tf.tidy(() => Array.from(q.apply(tf.tensor2d(x)).dataSync()));
  } finally {
    q.dispose();
  }
};

describe('StaticQuant', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('rounds to the uniform grid of its step, clipped to the signed range', () => {
    // 2-bit signed: levels -2..1 of step 0.5.
    expect(values({ bits: 2, signed: true, step: 0.5 }, [[0.2, 0.3, -0.9, 2]])).toEqual([0, 0.5, -1, 0.5]);
  });

  it('with channelSteps, each output channel (last axis) rounds on its own step', () => {
    const got = values({ bits: 4, signed: true, step: 0.3, channelSteps: [0.1, 1] }, [[0.26, 0.26], [-0.04, 1.6]]);
    [0.3, 0, 0, 2].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });

  it("with a format, rounds on that format's grid (esb, k = 1: powers of two times the step)", () => {
    // 4-bit signed ESB with one significant bit: levels 0, ±1, ±2, ±4, ... 3 is not one of them.
    const [a, b] = values({ bits: 4, signed: true, step: 1, format: 'esb', significantBits: 1 }, [[3.2, 5.5]]);
    expect([2, 4]).toContain(a);
    expect(b).toBe(4);
  });

  it('with channelSteps on a depthwise weight [k, k, C, 1], channel c of axis 2 rounds on step c', () => {
    const q = new StaticQuant({ bits: 4, signed: true, step: 0.55, channelSteps: [0.1, 1] });
    try {
      // [1, 1, 2, 1]: 0.26 on step 0.1 -> 0.3; 0.26 on step 1 -> 0.
      const got = tf.tidy(() => Array.from(q.apply(tf.tensor4d([0.26, 0.26], [1, 1, 2, 1])).dataSync()));
      [0.3, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
      expect(() => tf.tidy(() => q.apply(tf.tensor2d([[1, 2, 3]])))).toThrow('StaticQuant: channelSteps has 2 elements, expected 3');
    } finally {
      q.dispose();
    }
  });

  it('with a residual (MMSE multi-tensor), computes q1(x) + q2(x - q1(x)): two 4-bit tensors hold 7 + 5/16 exactly', () => {
    // step 1: 7.3125 -> 7, residual 0.3125 = 5 · (1/16) on the second tensor's step.
    const got = values({ bits: 4, signed: true, step: 1, residual: { bits: 4, signed: true, step: 1 / 16 } }, [[7.3125, -2.5625]]);
    expect(got).toEqual([7.3125, -2.5625]);
    expect(values({ bits: 4, signed: true, step: 1 }, [[7.3125, -2.5625]])).toEqual([7, -3]);
  });
});
