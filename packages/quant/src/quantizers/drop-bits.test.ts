import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, derive } from '@oqat/core';
import { initEngine, tf } from '@oqat/engine';
import { InvalidQuantOptionError } from '../errors';
import { dropBitsKeep, dropBitsKeepProbabilities, dropBitsRates, expectedKeptLevels, learnedBits, sampleDropBits } from './drop-bits';

const sigmoid = (t: number): number => 1 / (1 + Math.exp(-t));

describe('DropBits sampling', () => {
  it('drop rates decay exponentially from the finest level to the coarse grid', () => {
    expect(dropBitsRates(2, 0.5)).toEqual([0.25, 0.5]);
    expect(dropBitsRates(3, 0.1).map((p) => +p.toFixed(6))).toEqual([0.001, 0.01, 0.1]);
    expect(() => dropBitsRates(2, 1)).toThrow(InvalidQuantOptionError);
  });

  it('rate 0 and no learned logits: nothing is ever dropped', () => {
    const rng = createRng(3);
    const keep = dropBitsKeepProbabilities(dropBitsRates(2, 0));
    for (let i = 0; i < 200; i++) expect(sampleDropBits(rng, keep)).toEqual([1, 1]);
  });

  it('samples nested masks at the asked rates, the same for the same seed', () => {
    const probabilities = dropBitsKeepProbabilities(dropBitsRates(2, 0.5));
    const draw = (seed: number) => Array.from({ length: 4000 }, (_, i) => sampleDropBits(createRng(derive(seed, i)), probabilities));
    const masks = draw(7);
    expect(draw(7)).toEqual(masks);
    expect(draw(8)).not.toEqual(masks);
    // nested: never a finer level kept under a dropped coarser one
    expect(masks.some(([a, b]) => a === 0 && b === 1)).toBe(false);
    // P(level 1 kept) = 0.75; P(both kept) = 0.75 · 0.5
    const mean = (f: (m: number[]) => boolean) => masks.filter(f).length / masks.length;
    expect(mean((m) => m[0] === 1)).toBeCloseTo(0.75, 1);
    expect(mean((m) => m[1] === 1)).toBeCloseTo(0.375, 1);
  });

  it('learned inclusion scales the keep probability; the learned width is the nested run of σ(θ) >= 1/2', () => {
    expect(dropBitsKeepProbabilities([0.25, 0.5], [0, 100])).toEqual([0.375, 0.5]);
    expect(learnedBits([3, 2], 2)).toBe(4);
    expect(learnedBits([3, -1], 2)).toBe(3);
    expect(learnedBits([-1, 5], 2)).toBe(2);
    expect(learnedBits([], 4)).toBe(4);
  });
});

describe.each(['cpu', 'wasm'] as const)('DropBits gradients on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it('dropBitsKeep: forward is the sample, gradient that of the nested inclusion probabilities (finite differences)', () => {
    const theta = [0.4, -0.7];
    const dy = [1.5, -2];
    const inclusion = (t: number[]) => [sigmoid(t[0]!), sigmoid(t[0]!) * sigmoid(t[1]!)];
    const before = tf.memory().numTensors;
    const { value, grads } = tf.tidy(() => {
      const f = (th: tf.Tensor) => tf.sum(tf.mul(dropBitsKeep(th, [1, 0]), tf.tensor1d(dy)));
      const out = tf.valueAndGrad(f)(tf.tensor1d(theta));
      return { value: out.value.dataSync()[0]!, grads: Array.from(out.grad.dataSync()) };
    });
    expect(value).toBeCloseTo(1.5, 6);
    for (let t = 0; t < 2; t++) {
      const h = 1e-4;
      const at = (d: number) => inclusion(theta.map((v, i) => (i === t ? v + d : v))).reduce((a, p, l) => a + dy[l]! * p, 0);
      expect(grads[t]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 4);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('expectedKeptLevels is Σ_l Π_{t<=l} σ(θ_t), with its gradient', () => {
    const theta = [1.2, -0.3];
    const { value, grad } = tf.tidy(() => {
      const out = tf.valueAndGrad((th: tf.Tensor) => expectedKeptLevels(th) as tf.Scalar)(tf.tensor1d(theta));
      return { value: out.value.dataSync()[0]!, grad: Array.from(out.grad.dataSync()) };
    });
    const f = (a: number, b: number) => sigmoid(a) + sigmoid(a) * sigmoid(b);
    expect(value).toBeCloseTo(f(1.2, -0.3), 5);
    expect(grad[0]).toBeCloseTo((f(1.2 + 1e-3, -0.3) - f(1.2 - 1e-3, -0.3)) / 2e-3, 3);
    expect(grad[1]).toBeCloseTo((f(1.2, -0.3 + 1e-3) - f(1.2, -0.3 - 1e-3)) / 2e-3, 3);
  });
});
