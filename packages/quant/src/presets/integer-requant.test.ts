import { initEngine, tf } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { addendQ8, biasUnit, forcedPoolQ8, integerWeightScale, poolInputQ8, seInputQ8, WIDEN } from './integer-requant';
import { fakeQuantQ8, hsigmoidTableQ8 } from './integer-requant-ops';
import { PRESET_NAMES } from './deployment-preset';
import { getPreset } from './registry';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

/** Value and gradient (of sum(f(x))) at each x. */
function valueAndGrad(f: (x: tf.Tensor) => tf.Tensor, xs: number[]): { value: number[]; grad: number[] } {
  return tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const grad = tf.grad((t: tf.Tensor) => f(t))(x);
    return { value: Array.from(f(x).dataSync()), grad: Array.from(grad.dataSync()) };
  });
}

describe('fakeQuantQ8', () => {
  it('rounds half to even onto the 8-bit grid, saturates at its codes, and passes the gradient straight through inside the range only', () => {
    // step 0.5, zero point 2, codes 0..6: range [−1, 2]
    const q = { step: 0.5, zeroPoint: 2, max: 6 };
    const { value, grad } = valueAndGrad((x) => fakeQuantQ8(x, q), [-1.6, -0.2, 0.26, 1.75, 1.25, 2.3]);
    // −1.6: code round(−3.2)+2 = −1 -> 0 -> −1; −0.2: 0 -> 0; 0.26: round(0.52) = 1 -> 0.5;
    // 1.75: round(3.5) = 4 (even) -> 2; 1.25: round(2.5) = 2 (even) -> 1; 2.3: code 7 -> 6 -> 2
    expect(value).toEqual([-1, 0, 0.5, 2, 1, 2]);
    expect(grad).toEqual([0, 1, 1, 1, 1, 0]);
  });
});

describe('hsigmoidTableQ8', () => {
  it('is the integer graph\'s h-sigmoid table: round(x·254/6) + 127 saturated, read on 1/254 steps; gradient h-sigmoid\'s', () => {
    const { value, grad } = valueAndGrad(hsigmoidTableQ8, [0, 1, 3, 3.1, -4]);
    // 1: round(42.33) = 42 -> 169/254; 3: 127 + 127 = 254 -> 1; 3.1: 258 -> 255 -> 255/254; −4: 0
    const expected = [127 / 254, 169 / 254, 1, 255 / 254, 0].map(Math.fround);
    value.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(value[1]).not.toBeCloseTo(1 / 6 + 0.5, 4); // the table, not h-sigmoid itself (0.6667 vs 0.6654)
    grad.forEach((g, i) => expect(g).toBeCloseTo([1 / 6, 1 / 6, 0, 0, 0][i]!, 6));
  });
});

describe('the integer graph\'s ranges', () => {
  it('keeps residual addends on the sum reader\'s range, 255 steps, WIDEN.add times wider', () => {
    // a 2-bit unsigned reader, step 0.5: [0, 1.5] -> 1.5/255 per code -> twice that
    expect(WIDEN.add).toBe(2);
    expect(addendQ8({ step: 0.5, zeroPoint: 0, max: 3 })).toEqual({ step: Math.fround(Math.fround(1.5 / 255) * 2), zeroPoint: 0 });
    // a signed 2-bit reader, step 1: [−2, 1]: zero point 2·255/3 = 170 kept as the step doubles
    expect(addendQ8({ step: 1, zeroPoint: 2, max: 3 })).toEqual({ step: Math.fround(Math.fround(3 / 255) * 2), zeroPoint: 170 });
  });

  it('holds the squeeze-excite input on the union of its pool\'s range ×8 and its product\'s ×2, the head\'s pool input ×8', () => {
    const pooled = { step: 0.1, zeroPoint: 0 }; // an 8-bit reader: its own grid
    const product = { step: 0.5, zeroPoint: 0, max: 3 };
    // [0, 255·0.8 = 204] holds [0, 3]: the pool's range wins
    expect(seInputQ8(pooled, product)).toEqual({ step: Math.fround(0.8), zeroPoint: 0 });
    // a wide product range wins instead: [0, 3·20] on 255 steps, ×2 = [0, 120] over the pool's [0, 255·0.08 = 20.4]
    const wide = { step: 20, zeroPoint: 0, max: 3 };
    const got = seInputQ8({ step: 0.01, zeroPoint: 0 }, wide);
    expect(got.zeroPoint).toBe(0);
    expect(255 * got.step).toBeCloseTo(2 * 60, 3);
    expect(poolInputQ8(product)).toEqual({ step: Math.fround(Math.fround(1.5 / 255) * 8), zeroPoint: 0 });
  });

  it("holds pooled values on s_x/128 where onnxruntime's pool refuses the reader's step (s_x/s_y > 128), else leaves them to the reader", () => {
    expect(forcedPoolQ8({ step: 1.28, zeroPoint: 0 }, { step: 0.005, zeroPoint: 0 })).toEqual({ step: Math.fround(0.01), zeroPoint: 0 });
    expect(forcedPoolQ8({ step: 1.28, zeroPoint: 0 }, { step: 0.02, zeroPoint: 0 })).toBeUndefined();
  });

  it('puts the int32 bias unit at s_x·step·|a|/2^(7−b)', () => {
    // 2-bit weights, step 0.5, BN multiplier −2: 0.5/32·2 = 1/32; input step 0.1
    expect(integerWeightScale(0.5, 2, -2)).toBe(1 / 32);
    expect(biasUnit(0.1, 1 / 32)).toBe(Math.fround(0.1 / 32));
    // 8 bits: no gain
    expect(integerWeightScale(0.25, 8, 1)).toBe(0.25);
  });

  it('is on for the onnxruntime preset only', () => {
    expect(PRESET_NAMES.filter((n) => getPreset(n).integerRequant)).toEqual(['onnxruntime']);
  });
});
