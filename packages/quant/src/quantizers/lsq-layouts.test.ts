import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { quantRange, roundHalfEven } from '../bits';
import { createRng } from '@oqat/core';
import { normalArray } from '../test-support';
import { lsqQuantize } from './lsq';

interface Layout {
  name: string;
  shape: number[];
  /** [] or [1]: per tensor; [C]: per channel of `axis`. */
  stepShape: number[];
  axis?: number;
}

// lsqQuantize hands the engine's op channels on the last axis: as they are,
// with trailing 1s reshaped away, or transposed there and back.
const LAYOUTS: Layout[] = [
  { name: 'per tensor, scalar step', shape: [3, 4, 5], stepShape: [] },
  { name: 'per tensor, [1] step', shape: [4, 6], stepShape: [1] },
  { name: 'per channel, last axis', shape: [3, 4, 5], stepShape: [5] },
  { name: 'per channel, depthwise [h, w, C, 1]', shape: [3, 3, 5, 1], stepShape: [5], axis: 2 },
  { name: 'per channel, middle axis (transposed)', shape: [3, 5, 4], stepShape: [5], axis: 1 },
  { name: 'per channel, first axis (transposed)', shape: [5, 3, 2, 2], stepShape: [5], axis: 0 },
  { name: 'per channel, negative axis (transposed)', shape: [2, 5, 3], stepShape: [5], axis: -2 },
];

const STEPS = [0.25, 0.4, 0.125, 0.3, 0.5];

/**
 * Host reference of q, dx and dStep for loss = Σ dy·q, straight from LSQ's
 * rule (in float32 where the backend rounds): dx = dy inside [-Qn, Qp] and 0 outside; dStep =
 * g·Σ dy·(round(v) - v) inside, dy·clamp(round(v)) outside, per step value.
 */
function reference(x: Float32Array, dy: Float32Array, layout: Layout, steps: number[], bits: number, signed: boolean) {
  const { qn, qp } = quantRange(bits, signed);
  const rank = layout.shape.length;
  const axis = layout.axis === undefined ? rank - 1 : (layout.axis + rank) % rank;
  const perChannel = layout.stepShape.length === 1 && layout.stepShape[0]! > 1;
  const inner = layout.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (perChannel ? Math.floor(i / inner) % steps.length : 0);
  const g = 1 / Math.sqrt((x.length / steps.length) * qp);
  const q = new Float32Array(x.length);
  const dx = new Float32Array(x.length);
  const ds = new Array<number>(steps.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    const s = Math.fround(steps[channelOf(i)]!);
    const v = Math.fround(x[i]! / s);
    const level = Math.min(qp, Math.max(-qn, roundHalfEven(v)));
    const inside = v >= -qn && v <= qp;
    q[i] = Math.fround(level * s);
    dx[i] = inside ? dy[i]! : 0;
    ds[channelOf(i)]! += dy[i]! * (inside ? level - v : level);
  }
  return { q, dx, ds: ds.map((d) => d * g) };
}

/** Random values, exact half-levels (ties for round) and values beyond the range. */
function xValues(layout: Layout, steps: number[], bits: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = normalArray(rng, layout.shape.reduce((a, b) => a * b, 1), 0.3 * 2 ** bits * steps[0]!);
  const rank = layout.shape.length;
  const axis = layout.axis === undefined ? rank - 1 : (layout.axis + rank) % rank;
  const inner = layout.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < x.length; i += 3) {
    const s = steps[Math.floor(i / inner) % steps.length]!;
    x[i] = (Math.floor(rng.next() * (2 ** bits + 4)) - 2 ** (bits - 1) - 2 + 0.5) * s;
  }
  return x;
}

describe.each(['cpu', 'wasm'] as const)('lsqQuantize layouts on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  describe.each(LAYOUTS)('$name', (layout) => {
    it.each([
      [3, true],
      [4, false],
    ] as const)('value and gradients of x and step follow the LSQ rule at %i bits, signed=%s', (bits, signed) => {
      const steps = Array.from({ length: layout.stepShape[0] ?? 1 }, (_, c) => STEPS[c % STEPS.length]!);
      const xs = xValues(layout, steps, bits, bits * 10 + layout.shape.length);
      const dys = normalArray(createRng(bits + 100), xs.length);
      const ref = reference(xs, dys, layout, steps, bits, signed);
      const before = tf.memory().numTensors;
      const x = tf.tensor(xs, layout.shape);
      const dy = tf.tensor(dys, layout.shape);
      const step = tf.tensor(steps, layout.stepShape);
      const options = { bits, signed, axis: layout.axis };
      const q = lsqQuantize(x, step, options);
      const { value, grads } = tf.valueAndGrads((xv: tf.Tensor, sv: tf.Tensor) => tf.sum(tf.mul(lsqQuantize(xv, sv, options), dy)))([x, step]);
      expect(q.shape).toEqual(layout.shape);
      expect(grads[1]!.shape).toEqual(layout.stepShape);
      // + 0: the sign of a zero is not part of the rule.
      const values = (t: ArrayLike<number>) => Array.from(t, (v) => v + 0);
      expect(values(q.dataSync())).toEqual(values(ref.q));
      expect(values(grads[0]!.dataSync())).toEqual(values(ref.dx));
      grads[1]!.dataSync().forEach((v, c) => expect(v).toBeCloseTo(ref.ds[c]!, 5));
      tf.dispose([x, dy, step, q, value, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
