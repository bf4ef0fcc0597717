import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { createRng } from '@oqat/core';
import { normalArray } from './test-support';
import { inherit } from './inherit';
import { Quantizer } from './quantizer';
import { esbDdaLambda } from './calibration/esb-dda';

describe('inherit', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('doubles the step per bit dropped (OQAT), for per-tensor and per-channel steps', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(normalArray(createRng(21), 12), [3, 4]);
    const q = new Quantizer({ bits: 4, signed: true, channels: 4 });
    tf.dispose(q.quantize(x));
    const s4 = q.stepValues(4);
    inherit(q, 4, 3);
    expect(q.bits).toBe(3);
    Array.from(q.stepValues(3)).forEach((s, c) => expect(s).toBeCloseTo(2 * s4[c]!, 6));
    inherit(q, 4, 2);
    Array.from(q.stepValues(2)).forEach((s, c) => expect(s).toBeCloseTo(4 * s4[c]!, 6));
    inherit(q, 4, 8);
    Array.from(q.stepValues(8)).forEach((s, c) => expect(s).toBeCloseTo(s4[c]! / 16, 7));
    // inheriting again overwrites the target in place (the same variable).
    const v3 = q.step(3);
    inherit(q, 2, 3);
    expect(q.step(3)).toBe(v3);
    Array.from(q.stepValues(3)).forEach((s, c) => expect(s).toBeCloseTo(2 * s4[c]!, 6));
    q.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("scales esb's alpha by DDA's λ ratio, abfp's factor by 2^(from-to)·Qp_to/Qp_from, and refuses an uninitialised source", () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(normalArray(createRng(22), 64));
    const esb = new Quantizer({ bits: 4, signed: true, format: 'esb', significantBits: 2 });
    tf.dispose(esb.quantize(x));
    inherit(esb, 4, 3);
    const ratio = esbDdaLambda(3, true, 2).lambda / esbDdaLambda(4, true, 2).lambda;
    expect(esb.stepValues(3)[0]).toBeCloseTo(esb.stepValues(4)[0]! * ratio, 6);
    const abfp = new Quantizer({ bits: 4, signed: true, format: 'abfp' });
    tf.dispose(abfp.quantize(x));
    inherit(abfp, 4, 2);
    expect(abfp.stepValues(2)[0]).toBeCloseTo((abfp.stepValues(4)[0]! * 4) / 7, 7);
    expect(() => inherit(abfp, 3, 2)).toThrow('inherit: the 3-bit step size is not initialised');
    expect(() => inherit(abfp, 4, 32)).toThrow('inherit: bits must be 2–8, got 32');
    esb.dispose();
    abfp.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
