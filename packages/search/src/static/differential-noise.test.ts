import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import { analogMatmul, ANALOG_DEFAULTS } from '@oqat/quant';
import { AnalogRun } from './analog-layers';
import { DifferentialProbe, DnfNoise } from './differential-noise';

const DEVICE = { ...ANALOG_DEFAULTS, blockSize: 8, adcBits: 5, gain: 1, noise: 0 };

function randn(seed: number, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.normal());
}

describe('DNF: the differential noise of the analog device', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('the probe returns the device product and records per-channel mean and std of device − float', () => {
    const x = tf.tensor2d(randn(1, 40 * 20), [40, 20]);
    const w = tf.tensor2d(randn(2, 20 * 3), [20, 3]);
    const probe = new DifferentialProbe(new AnalogRun(DEVICE));
    const y = probe.matmul(x, w, 'fc');
    const device = analogMatmul(x, w, DEVICE).arraySync() as number[][];
    const float = tf.matMul(x, w).arraySync() as number[][];
    expect(Array.from(y.dataSync())).toEqual(device.flat());
    const noise = probe.table().get('fc')!;
    expect(noise.count).toBe(40);
    for (let c = 0; c < 3; c++) {
      const d = device.map((row, i) => row[c]! - float[i]![c]!);
      const mean = d.reduce((a, v) => a + v, 0) / d.length;
      const std = Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / d.length);
      expect(noise.mean[c]).toBeCloseTo(mean, 5);
      expect(noise.std[c]).toBeCloseTo(std, 4);
      expect(std).toBeGreaterThan(0); // a 5-bit ADC over ±8 is not exact
    }
    tf.dispose([x, w, y]);
  });

  it('DNF adds N(mean_c, std_c²) to the float product; the gradient is the float product\'s', () => {
    const rows = 3000;
    const x = tf.tensor2d(randn(3, rows * 4), [rows, 4]);
    const w = tf.tensor2d(randn(4, 4 * 2), [4, 2]);
    const table = new Map([['fc', { mean: Float32Array.of(0.5, 0), std: Float32Array.of(0, 0.2), count: 1 }]]);
    const dnf = new DnfNoise(table, 1);
    const diff = tf.sub(dnf.matmul(x, w, 'fc'), tf.matMul(x, w)).arraySync() as number[][];
    for (const row of diff) expect(row[0]).toBeCloseTo(0.5, 5);
    const col = diff.map((r) => r[1]!);
    const mean = col.reduce((a, v) => a + v, 0) / rows;
    const std = Math.sqrt(col.reduce((a, v) => a + (v - mean) ** 2, 0) / rows);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(std).toBeGreaterThan(0.18);
    expect(std).toBeLessThan(0.22);
    // a layer the table does not name runs in float
    expect(Array.from(dnf.matmul(x, w, 'other').dataSync())).toEqual(Array.from(tf.matMul(x, w).dataSync()));
    const g = tf.grad((v: tf.Tensor) => tf.sum(dnf.matmul(x, v, 'fc')))(w);
    const gFloat = tf.grad((v: tf.Tensor) => tf.sum(tf.matMul(x, v)))(w);
    expect(Array.from(g.dataSync())).toEqual(Array.from(gFloat.dataSync()));
    tf.dispose([x, w, g, gFloat]);
  });
});
