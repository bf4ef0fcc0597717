import { tf, type Tensor } from '@oqat/engine';
import { elasticLayerNames } from '@oqat/latency';
import { describe, expect, it } from 'vitest';
import { dropBitsLayers, setInclusion, useTinyDropBits } from '../supernet/dropbits.fixture';
import type { DropBitsLayerQuant } from '../supernet/dropbits-layer-quant';
import { TRAIN } from '../supernet/forward-context';
import { TINY_SPACE as space } from '../supernet/tiny-space';
import { addDropBitsPenalty, learnedBitsOf, withDropBits } from './dropbits-training';

const { images, build } = useTinyDropBits();

describe('DropBits training', () => {
  it('the task loss and the regulariser reach the inclusion logits', () => {
    const net = build(0.5);
    const q = net.layerQuants.get('stages.0.0.project') as DropBitsLayerQuant;
    const { grads } = withDropBits(net, 3, () => tf.variableGrads(() => tf.mean(tf.square(net.forward(images(), TRAIN))) as tf.Scalar, [q.inclusion]));
    const g = grads[q.inclusion.name]!.dataSync();
    // 4-bit: the logits of widths 3 and 4 (indices 0, 1) learn; wider widths' stay untouched.
    expect(Math.abs(g[0]!) + Math.abs(g[1]!)).toBeGreaterThan(0);
    expect(Array.from(g.slice(2))).toEqual([0, 0, 0, 0]);
    tf.dispose(Object.values(grads));
    const named = new Map<string, Tensor>();
    const penalty = addDropBitsPenalty(net, 4, 0.1, named);
    // σ(2) + σ(2)^2 per layer, times 0.1
    const s = 1 / (1 + Math.exp(-2));
    expect(penalty).toBeCloseTo(0.1 * dropBitsLayers(net).length * (s + s * s), 4);
    const pg = named.get('stages.0.0.project.dropbits.inclusion')!.dataSync();
    expect(pg[0]).toBeGreaterThan(0);
    expect(pg[1]).toBeGreaterThan(0);
    tf.dispose([...named.values()]);
    // 2 bits: nothing can be dropped, so no regulariser and no gradient (a 4 -> 2 chain's last phase trains).
    const none = new Map<string, Tensor>();
    expect(addDropBitsPenalty(net, 2, 0.1, none)).toBe(0);
    expect(none.size).toBe(0);
    net.dispose();
  });

  it('reports the learned widths as a canonical subnet that evaluates on the nested grid', () => {
    const net = build(0.5);
    // first block's dw keeps 2 bits, every stage-0 expand 3, the rest all 4.
    setInclusion(net, (name) => (name === 'first.dw' ? [-3, -3, 0, 0, 0, 0] : name.endsWith('.expand') && name.startsWith('stages.0') ? [3, -3, 0, 0, 0, 0] : [3, 3, 0, 0, 0, 0]));
    const learned = learnedBitsOf(net, 4);
    expect(Object.keys(learned.widths)).toEqual(elasticLayerNames(space));
    expect(learned.spec.bitsByLayer).toEqual({
      'first.dw': 2,
      ...Object.fromEntries(elasticLayerNames(space).filter((n) => n.startsWith('stages.0') && n.endsWith('.expand')).map((n) => [n, 3])),
    });
    const widths = Object.values(learned.widths);
    expect(learned.averageBits).toBeCloseTo(widths.reduce((a, b) => a + b, 0) / widths.length, 9);
    net.dispose();
  });

});
