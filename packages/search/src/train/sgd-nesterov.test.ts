import { initEngine, tf } from '@oqat/engine';
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

  it('never takes a positive parameter below half its value in one update', () => {
    const s = tf.variable(tf.scalar(0.02));
    const opt = new SgdNesterov({ momentum: 0.9, nesterov: true, weightDecay: 0 });
    const g = tf.scalar(10);
    for (let i = 0; i < 3; i++) opt.apply([{ name: 's', variable: s, decay: false, positive: true }], new Map([['s', g]]), 0.1);
    expect(s.dataSync()[0]).toBeCloseTo(0.02 / 8, 8);
    opt.reset();
    s.dispose();
    g.dispose();
  });
});
