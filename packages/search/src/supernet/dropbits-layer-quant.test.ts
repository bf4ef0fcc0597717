import { tf } from '@oqat/engine';
import { describe, expect, it } from 'vitest';
import { dropBitsLayers, setInclusion, useTinyDropBits } from './dropbits.fixture';
import { DropBitsLayerQuant, phaseWidths } from './dropbits-layer-quant';
import { EVAL, TRAIN } from './forward-context';
import { LsqLayerQuant } from './lsq-layer-quant';
import { loadNetworkState, readNetworkState } from './network-state';
import type { MobileNetV3Supernet } from './networks/mobilenet-v3';

const { images, build } = useTinyDropBits();

/** A training pass whose level masks come from `seed`. */
function logitsOf(net: MobileNetV3Supernet, seed: number): Float32Array {
  for (const q of dropBitsLayers(net)) q.setSampling(seed);
  try {
    return tf.tidy(() => net.forward(images(), TRAIN).dataSync() as Float32Array);
  } finally {
    for (const q of dropBitsLayers(net)) q.setSampling(undefined);
  }
}

describe('DropBitsLayerQuant in a supernet', () => {
  it('a layer set to a width it never trained rounds on the trained grid, the step doubled per level dropped', () => {
    const net = build(0.5);
    const q = net.layerQuants.get('first.dw') as DropBitsLayerQuant;
    const s4 = q.weightQuantizer.stepValues(4)[0]!;
    q.setBits(2);
    expect(q.frozen().weight!.step).toBeCloseTo(4 * s4, 6);
    q.setBits(3);
    expect(q.frozen().weight!.step).toBeCloseTo(2 * s4, 6);
    net.dispose();
  });

  it('quantizes the elastic layers with DropBits and the fixed ones with LSQ; its phases train the widths it can drop to', () => {
    const net = build(0.5);
    for (const [name, q] of net.layerQuants) expect(q instanceof (q.role.precision === 'elastic' ? DropBitsLayerQuant : LsqLayerQuant), name).toBe(true);
    expect(net.params().some((p) => p.name === 'stages.0.0.dw.dropbits.inclusion')).toBe(true);
    net.dispose();
    // A DropBits phase trains its width and the narrower ones its layers can drop to (checkpoints list them as trained).
    expect(phaseWidths({ quantizer: 'dropbits' }, 4)).toEqual([2, 3, 4]);
    expect(phaseWidths({ quantizer: 'dropbits' }, 8)).toEqual([6, 7, 8]);
    expect(phaseWidths({ quantizer: 'dropbits' }, 32)).toEqual([32]);
    expect(phaseWidths({}, 4)).toEqual([4]);
  });

  it('a training step draws its level masks from its seed: same seed same output, another seed another', () => {
    const net = build(0.9);
    const a = logitsOf(net, 11);
    expect(logitsOf(net, 11)).toEqual(a);
    expect([12, 13, 14].some((seed) => logitsOf(net, seed).some((v, i) => v !== a[i]))).toBe(true);
    net.dispose();
  });

  it('rate 0 with every level surely included drops nothing: a training pass rounds as evaluation does', () => {
    const net = build(0);
    setInclusion(net, () => [20, 20, 20, 20, 20, 20]);
    const trained = logitsOf(net, 5);
    const evaluated = tf.tidy(() => net.forward(images(), TRAIN).dataSync() as Float32Array);
    trained.forEach((v, i) => expect(v).toBeCloseTo(evaluated[i]!, 4));
    net.dispose();
  });

  it('checkpoints keep the inclusion logits', () => {
    const net = build(0.5);
    setInclusion(net, (name) => [name.length % 3, -1, 0.5, 0, 0, 0]);
    const state = readNetworkState(net);
    const again = build(0.5);
    loadNetworkState(again, state, 'test');
    for (const q of dropBitsLayers(again)) expect(Array.from(q.inclusion.dataSync())).toEqual([q.name.length % 3, -1, 0.5, 0, 0, 0]);
    const out = tf.tidy(() => again.forward(images(), EVAL).shape);
    expect(out).toEqual([4, 3]);
    net.dispose();
    again.dispose();
  });
});
