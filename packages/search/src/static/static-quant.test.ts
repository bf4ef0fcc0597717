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
});
