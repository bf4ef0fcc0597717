import { initEngine, tf, type Tensor } from '@oqat/engine';
import { largestSubnet, smallestSubnet } from '@oqat/latency';
import { lsqQuantize } from '@oqat/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropBitsQuantFactory } from './dropbits-layer-quant';
import { TRAIN } from './forward-context';
import type { LayerQuant } from './layer-quant';
import { LsqLayerQuant, lsqQuantFactory } from './lsq-layer-quant';
import { MobileNetV3Supernet } from './networks/mobilenet-v3';
import { filterAxis, innerLayerQuant, SqLayerQuant, sqQuantFactory } from './sq-layer-quant';
import { TINY_SPACE } from './tiny-space';

const ELASTIC = { precision: 'elastic' as const, signedInput: true };

/** A quantizer whose grid is the integers: a filter of whole numbers has error 0. */
function roundingQuant(): LayerQuant {
  return {
    role: ELASTIC,
    setBits: () => undefined,
    weight: (w) => tf.round(w),
    input: (x) => x,
    params: () => [],
    frozen: () => ({}),
    inherit: () => undefined,
    restoreStep: () => undefined,
    dispose: () => undefined,
  };
}

let images: Tensor | undefined;
beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1);
});
afterAll(() => images?.dispose());

describe('SqLayerQuant', () => {
  it('filters: last axis of conv and dense weights, axis 2 of a depthwise filter', () => {
    expect(filterAxis([3, 3, 8, 16])).toBe(3);
    expect(filterAxis([3, 3, 8, 1])).toBe(2);
    expect(filterAxis([32, 10])).toBe(1);
    expect(filterAxis([3, 3, 8, 1], -2)).toBe(2);
    expect(filterAxis([1, 1, 8, 1], -1)).toBe(3);
  });

  it('quantizes the chosen filters, keeps the others in float; error-0 filters are the ones chosen', () => {
    const q = new SqLayerQuant('l', roundingQuant());
    q.setBits(4);
    // 4 filters (columns): 0 and 2 lie on the integer grid (e = 0), 1 and 3 do not.
    const w = tf.tensor2d([[1, 0.4, 2, 0.3], [-1, 0.2, 3, 0.6]]);
    q.setSampling({ seed: 5, ratio: 0.5 });
    const out = tf.tidy(() => Array.from(q.weight(w).dataSync()));
    expect(out).toEqual(Array.from(Float32Array.of(1, 0.4, 2, 0.3, -1, 0.2, 3, 0.6)));
    const draw = q.lastDraw()!;
    expect(draw).toMatchObject({ filters: 4, quantizedFilters: 2, weights: 8, quantizedWeights: 4, quantizedErrorSum: 0 });
    // e_1 = (0.4 + 0.2) / 0.6, e_3 = (0.3 + 0.4) / 0.9
    expect(draw.errorSum).toBeCloseTo(1 + 0.7 / 0.9, 6);
    // ratio 1, and no sampling (evaluation, export): the inner quantizer's Q(w) throughout
    q.setSampling({ seed: 5, ratio: 1 });
    expect(tf.tidy(() => Array.from(q.weight(w).dataSync()))).toEqual([1, 0, 2, 0, -1, 0, 3, 1]);
    q.setSampling(undefined);
    expect(tf.tidy(() => Array.from(q.weight(w).dataSync()))).toEqual([1, 0, 2, 0, -1, 0, 3, 1]);
    w.dispose();
  });

  it("a step's later, narrower slices (smaller subnets) reuse the first slice's mask on their leading filters", () => {
    const q = new SqLayerQuant('l', roundingQuant());
    q.setBits(4);
    const w = tf.tidy(() => tf.add(tf.randomUniform([3, 3, 2, 8], -2, 2, 'float32', 3), 0.01));
    q.setSampling({ seed: 9, ratio: 0.5 });
    const kept = (t: Tensor) => tf.tidy(() => {
      const out = q.weight(t).dataSync();
      const wv = t.dataSync();
      const c = t.shape[3]!;
      return Array.from({ length: c }, (_, i): number => (out[i] === wv[i] ? 0 : 1));
    });
    const full = kept(w);
    expect(full.reduce((a, b) => a + b, 0)).toBe(4);
    const narrow = tf.slice(w, [0, 0, 0, 0], [3, 3, 2, 5]);
    expect(kept(narrow)).toEqual(full.slice(0, 5));
    // a new step (a new setSampling) draws again, from its own seed
    const masks = new Set([9, 10, 11, 12, 13].map((seed) => {
      q.setSampling({ seed, ratio: 0.5 });
      return kept(w).join('');
    }));
    expect(masks.size).toBeGreaterThan(1);
    q.setSampling({ seed: 9, ratio: 0.5 });
    expect(kept(w)).toEqual(full);
    tf.dispose([w, narrow]);
  });

  it('gradients: the float filters get dy, the quantized ones LSQ\'s STE gradient, the step only from the quantized filters', () => {
    const inner = new LsqLayerQuant('l', ELASTIC);
    inner.setBits(2);
    const q = new SqLayerQuant('l', inner);
    q.setBits(2);
    const w = tf.variable(tf.tensor2d([[0.1, -0.3, 0.8], [0.25, 0.05, -0.6]]));
    tf.tidy(() => void q.weight(w)); // initialises the 2-bit step
    const dy = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const step = inner.weightQuantizer.step(2)!;
    q.setSampling({ seed: 1, ratio: 2 / 3 });
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(q.weight(w), dy)) as tf.Scalar, [w, step]);
    expect(q.lastDraw()!.quantizedFilters).toBe(2);
    const gw = Array.from(grads[w.name]!.dataSync());
    const out = tf.tidy(() => Array.from(q.weight(w).dataSync()));
    const wv = Array.from(w.dataSync());
    const floatFilter = [0, 1, 2].find((c) => out[c] === wv[c] && out[3 + c] === wv[3 + c])!;
    // the float filter: exactly dy
    expect([gw[floatFilter], gw[3 + floatFilter]]).toEqual([1 + floatFilter, 4 + floatFilter]);
    // the step: LSQ's gradient with dy zeroed on the float filter
    const maskedDy = tf.tensor2d([0, 1, 2, 3, 4, 5].map((k) => (k % 3 === floatFilter ? 0 : [1, 2, 3, 4, 5, 6][k]!)), [2, 3]);
    const { grads: ref } = tf.variableGrads(() => tf.sum(tf.mul(lsqQuantize(w, step, { bits: 2, signed: true, gradScale: 1 / Math.sqrt(6 * 1) }), maskedDy)) as tf.Scalar, [step]);
    expect(grads[step.name]!.dataSync()[0]).toBeCloseTo(ref[step.name]!.dataSync()[0]!, 5);
    tf.dispose([w, dy, maskedDy, ...Object.values(grads), ...Object.values(ref)]);
    q.dispose();
  });
});

describe('sqQuantFactory in a supernet', () => {
  const build = (factory = sqQuantFactory(lsqQuantFactory)) => {
    const net = new MobileNetV3Supernet(TINY_SPACE, { seed: 1, quant: factory });
    net.setActive(largestSubnet(TINY_SPACE, 4));
    tf.tidy(() => void net.forward(images!, TRAIN));
    return net;
  };
  const logits = (net: MobileNetV3Supernet, sampling?: { seed: number; ratio: number }) => {
    const layers = [...net.layerQuants.values()].filter((q): q is SqLayerQuant => q instanceof SqLayerQuant);
    for (const q of layers) q.setSampling(sampling);
    try {
      return tf.tidy(() => Array.from(net.forward(images!, TRAIN).dataSync()));
    } finally {
      for (const q of layers) q.setSampling(undefined);
    }
  };

  it('wraps the elastic layers only, over any quantizer (dropbits too: innerLayerQuant reaches it)', () => {
    const net = build();
    for (const [name, q] of net.layerQuants) expect(q instanceof SqLayerQuant, name).toBe(q.role.precision === 'elastic');
    net.dispose();
    const db = new MobileNetV3Supernet(TINY_SPACE, { seed: 1, quant: sqQuantFactory(dropBitsQuantFactory({ rate: 0.3 })) });
    const dw = db.layerQuants.get('first.dw')!;
    expect(dw instanceof SqLayerQuant && innerLayerQuant(dw).constructor.name).toBe('DropBitsLayerQuant');
    db.dispose();
  });

  it('outside a step (and at ratio 1) the network is the fully quantized LSQ one; a step is seeded', () => {
    const sq = build();
    const lsq = build(lsqQuantFactory);
    const full = logits(lsq);
    expect(logits(sq)).toEqual(full);
    expect(logits(sq, { seed: 3, ratio: 1 })).toEqual(full);
    const half = logits(sq, { seed: 3, ratio: 0.5 });
    expect(half).not.toEqual(full);
    expect(logits(sq, { seed: 3, ratio: 0.5 })).toEqual(half);
    // the smallest subnet of the same step shares the largest's masks; it runs (no mask shorter than its slices)
    sq.setActive(smallestSubnet(TINY_SPACE, 4));
    expect(logits(sq, { seed: 3, ratio: 0.5 }).every(Number.isFinite)).toBe(true);
    sq.dispose();
    lsq.dispose();
  });
});
