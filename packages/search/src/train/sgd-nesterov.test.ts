import { initEngine, tf, type Tensor } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { SgdNesterov } from './sgd-nesterov';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

describe('SgdNesterov', () => {
  it('matches PyTorch SGD (nesterov, momentum, coupled decay) on two steps', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const opt = new SgdNesterov({ momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    const params = [{ name: 'w', variable: w, decay: true }];
    const g = tf.tensor1d([0.5, 0.5]);
    opt.apply(params, new Map([['w', g]]), 0.1);
    // g' = g + 0.1 w = [0.6, 0.3]; v = g'; step = g' + 0.9 v = [1.14, 0.57]
    expect(Array.from(w.dataSync())).toEqual([1 - 0.114, -2 - 0.057].map(Math.fround));
    opt.apply(params, new Map([['w', g]]), 0.1);
    const g2 = [0.5 + 0.1 * 0.886, 0.5 + 0.1 * -2.057];
    const v2 = [0.9 * 0.6 + g2[0]!, 0.9 * 0.3 + g2[1]!];
    const expected = [0.886 - 0.1 * (g2[0]! + 0.9 * v2[0]!), -2.057 - 0.1 * (g2[1]! + 0.9 * v2[1]!)];
    w.dataSync().forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 5));
    opt.reset();
    w.dispose();
    g.dispose();
  });

  it('clips gradients to a global norm and returns the norm before clipping', () => {
    const a = tf.variable(tf.tensor1d([0, 0]));
    const b = tf.variable(tf.scalar(0));
    const opt = new SgdNesterov({ momentum: 0, nesterov: false, weightDecay: 0, clipNorm: 1 });
    const grads = new Map<string, Tensor>([['a', tf.tensor1d([3, 0])], ['b', tf.scalar(4)]]);
    const norm = opt.apply([{ name: 'a', variable: a, decay: false }, { name: 'b', variable: b, decay: false }], grads, 1);
    expect(norm).toBeCloseTo(5, 5);
    expect(Array.from(a.dataSync())[0]).toBeCloseTo(-0.6, 5);
    expect(b.dataSync()[0]).toBeCloseTo(-0.8, 5);
    opt.reset();
    for (const t of [a, b, ...grads.values()]) t.dispose();
  });

  it('keeps a positive parameter within half and twice its value per update', () => {
    const s = tf.variable(tf.scalar(0.02));
    const opt = new SgdNesterov({ momentum: 0.9, nesterov: true, weightDecay: 0 });
    const g = tf.scalar(10);
    for (let i = 0; i < 3; i++) opt.apply([{ name: 's', variable: s, decay: false, positive: true }], new Map([['s', g]]), 0.1);
    expect(s.dataSync()[0]).toBeCloseTo(0.02 / 8, 8);
    const up = tf.scalar(-1e6);
    opt.apply([{ name: 's', variable: s, decay: false, positive: true }], new Map([['s', up]]), 0.1);
    expect(s.dataSync()[0]).toBeCloseTo(0.02 / 4, 8);
    up.dispose();
    opt.reset();
    s.dispose();
    g.dispose();
  });
});
