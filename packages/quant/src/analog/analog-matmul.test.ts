import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import { InvalidQuantOptionError } from '../errors';
import { normalArray } from '../test-support';
import { analogDevice, ANALOG_DEFAULTS } from './analog-device';
import { analogMatmul } from './analog-matmul';

const IDEAL = { inputBits: 32, weightBits: 32, adcBits: 32, noise: 0, gain: 1 };

/** One block of 4: x = [1, .1, .1, .1], w = [.1, 1, 1, 1]; x·w = 0.4. */
function gainCase(gain: number): number {
  const x = tf.tensor2d([[1, 0.1, 0.1, 0.1]]);
  const w = tf.tensor2d([[0.1], [1], [1], [1]]);
  const y = analogMatmul(x, w, { blockSize: 4, inputBits: 8, weightBits: 8, adcBits: 4, gain, noise: 0 });
  const v = y.dataSync()[0]!;
  tf.dispose([x, w, y]);
  return v;
}

describe('analogMatmul', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('scales each block by its own max and accumulates the blocks (hand-computed)', () => {
    // blocks of 2; 2-bit DAC (levels -1, 0, 1), ideal weights and ADC.
    // block 1: x [2, -0.8] / 2 -> [1, -0.4] -> [1, 0]; w [1, 3] / 3 -> [1/3, 1]; dot 1/3; · 2·3 = 2
    // block 2: x [0.5, 0.2] / 0.5 -> [1, 0.4] -> [1, 0]; w [4, -8] / 8 -> [0.5, -1]; dot 0.5; · 0.5·8 = 2
    const x = tf.tensor2d([[2, -0.8, 0.5, 0.2]]);
    const w = tf.tensor2d([[1], [3], [4], [-8]]);
    const y = analogMatmul(x, w, { ...IDEAL, blockSize: 2, inputBits: 2 });
    expect(y.shape).toEqual([1, 1]);
    expect(y.dataSync()[0]).toBeCloseTo(4, 5);
    tf.dispose([x, w, y]);
  });

  it('a gain of 8 before a 4-bit ADC recovers what gain 1 loses (hand-computed), and too much gain clips', () => {
    // x̂·ŵ = 4·13/127 = 0.409449 (0.1 -> 13/127 at 8 bits); ADC: 7 levels a side over ±4.
    // G = 1: 0.409449/4·7 = 0.7165 -> 1 -> 4/7 = 0.571429 (exact 0.4: error 0.171)
    // G = 8: 3.27559/4·7 = 5.7323 -> 6 -> 24/7/8 = 0.428571 (error 0.029)
    // G = 16: 6.5512/4 > 1 -> clipped to 4 -> 4/16 = 0.25
    expect(gainCase(1)).toBeCloseTo(4 / 7, 5);
    expect(gainCase(8)).toBeCloseTo(24 / 7 / 8, 5);
    expect(gainCase(16)).toBeCloseTo(0.25, 5);
    expect(Math.abs(gainCase(8) - 0.4)).toBeLessThan(Math.abs(gainCase(1) - 0.4) / 5);
  });

  it('a vector shorter than the tile is one block, and the ADC still spans the tile\'s ±n (hand-computed)', () => {
    // tile 8, K = 4: x̂·ŵ = 0.409449; ADC 7 levels a side over ±8.
    // G = 1: 0.409449/8·7 = 0.358 -> 0 -> 0;  G = 8: 3.27559/8·7 = 2.866 -> 3 -> 3/7·8/8 = 0.428571
    const x = tf.tensor2d([[1, 0.1, 0.1, 0.1]]);
    const w = tf.tensor2d([[0.1], [1], [1], [1]]);
    const run = (gain: number): number => analogMatmul(x, w, { blockSize: 8, inputBits: 8, weightBits: 8, adcBits: 4, gain, noise: 0 }).dataSync()[0]!;
    expect(run(1)).toBe(0);
    expect(run(8)).toBeCloseTo(3 / 7, 5);
    tf.dispose([x, w]);
  });

  it('with ideal converters and no noise it is the exact product (K not a multiple of the block, batched too)', () => {
    const rng = createRng(3);
    const [m, k, n] = [5, 37, 3];
    const x = tf.tensor2d(normalArray(rng, m * k), [m, k]);
    const w = tf.tensor2d(normalArray(rng, k * n), [k, n]);
    const exact = tf.matMul(x, w);
    const y = analogMatmul(x, w, { ...IDEAL, blockSize: 8 });
    const e = exact.dataSync();
    y.dataSync().forEach((v, i) => expect(v).toBeCloseTo(e[i]!, 4));
    const xg = tf.stack([x, tf.mul(x, 2)]);
    const wg = tf.stack([w, w]);
    const yg = analogMatmul(xg, wg, { ...IDEAL, blockSize: 8 });
    expect(yg.shape).toEqual([2, m, n]);
    const g = yg.dataSync();
    for (let i = 0; i < m * n; i++) {
      expect(g[i]).toBeCloseTo(e[i]!, 4);
      expect(g[m * n + i]).toBeCloseTo(2 * e[i]!, 4);
    }
    tf.dispose([x, w, exact, y, xg, wg, yg]);
  });

  it('adds Gaussian noise of σ·n at the ADC input: after ÷G its std is σ·n·s_x·s_w/G; the seed fixes the draw', () => {
    const rows = 4000;
    const x = tf.tensor2d(Array.from({ length: rows }, () => [1, 0.5, 0, 0]));
    const w = tf.tensor2d([[0.5], [1], [0], [0]]); // s_x = 1, s_w = 1, exact 1
    const device = { ...IDEAL, blockSize: 4, gain: 2, noise: 0.01 };
    const y = Array.from(analogMatmul(x, w, device, { seed: 7 }).dataSync());
    const mean = y.reduce((a, v) => a + v, 0) / rows;
    const std = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / rows);
    expect(mean).toBeCloseTo(1, 2);
    expect(std).toBeGreaterThan(0.02 * 0.9); // 0.01·4/2
    expect(std).toBeLessThan(0.02 * 1.1);
    expect(Array.from(analogMatmul(x, w, device, { seed: 7 }).dataSync())).toEqual(y);
    expect(analogMatmul(x, w, device, { seed: 8 }).dataSync()[0]).not.toBe(y[0]);
    tf.dispose([x, w]);
  });

  it('refuses bad parameters and shapes in one line', () => {
    expect(() => analogDevice({ adcBits: 1 })).toThrow(InvalidQuantOptionError);
    expect(() => analogDevice({ gain: 0 })).toThrow(/gain must be a positive number/);
    expect(() => analogDevice({ noise: -1 })).toThrow(InvalidQuantOptionError);
    expect(analogDevice({ gain: 4 })).toEqual({ ...ANALOG_DEFAULTS, gain: 4 });
    const x = tf.zeros([2, 3]);
    const w = tf.zeros([4, 1]);
    expect(() => analogMatmul(x, w)).toThrow(/w shape must be \[3, N\]/);
    tf.dispose([x, w]);
  });
});
