import { createRng } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import { fitAccuracyPredictor } from './mlp-predictor';
import { spearman } from './spearman';
import { toyAccuracy, toyEncoder } from './toy-encoder.fixture';

describe('fitAccuracyPredictor', () => {
  const encoder = toyEncoder(8, 4);
  const rng = createRng(7);
  const all = Array.from({ length: 400 }, () => encoder.sample(rng));
  const train = all.slice(0, 300);
  const test = all.slice(300);

  it('learns a synthetic accuracy function: high rank correlation on held-out candidates', () => {
    const p = fitAccuracyPredictor(train.map(encoder.feature), train.map(toyAccuracy), createRng(1));
    const rho = spearman(test.map((c) => p.predict(encoder.feature(c))), test.map(toyAccuracy));
    expect(rho).toBeGreaterThan(0.9);
  });

  it('beats chance on a function with a one-hot interaction only an MLP can fit', () => {
    // target depends on whether genes 0 and 1 agree, plus noise from gene 2: no linear term at all.
    const target = (g: number[]): number => (g[0] === g[1] ? 1 : 0) + 0.1 * g[2]!;
    const p = fitAccuracyPredictor(train.map(encoder.feature), train.map((c) => target(c.genes)), createRng(2));
    const rho = spearman(test.map((c) => p.predict(encoder.feature(c))), test.map((c) => target(c.genes)));
    expect(rho).toBeGreaterThan(0.7);
  });

  it('is reproducible from the rng', () => {
    const fit = (): number => fitAccuracyPredictor(train.map(encoder.feature), train.map(toyAccuracy), createRng(3), { epochs: 5 }).predict(encoder.feature(test[0]!));
    expect(fit()).toBe(fit());
  });

  it('rejects a feature of the wrong length and too few samples', () => {
    const p = fitAccuracyPredictor(train.map(encoder.feature), train.map(toyAccuracy), createRng(4), { epochs: 1 });
    expect(() => p.predict(new Float32Array(3))).toThrow(/feature length must be 32, got 3/);
    expect(() => fitAccuracyPredictor([new Float32Array(4)], [0.5], createRng(5))).toThrow(/at least 2 samples/);
  });
});
