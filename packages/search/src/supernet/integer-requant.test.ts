import { initEngine, tf } from '@oqat/engine';
import { hswishInputQ8 } from '@oqat/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAIN } from './forward-context';
import { biasRounding, integerActivation, integerRequantOn, setIntegerRequant } from './integer-requant';
import { presetQuantFactory } from './preset-quant-factory';
import { appLogits, prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from './tiny-export.fixture';

let f: TinyExportFixture;

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
  f = tinyExportFixture();
});

afterAll(() => f.dispose());

describe('biasRounding', () => {
  it('moves each shift to a whole number of its channel\'s int32 bias units', () => {
    // 0.33 / 0.1 = 3.3 -> 3 units: −0.03; −0.075 / 0.02 = −3.75 -> −4 units: −0.005
    const got = biasRounding(Float32Array.of(0.33, -0.075), Float32Array.of(0.1, 0.02));
    expect(got[0]).toBeCloseTo(-0.03, 6);
    expect(got[1]).toBeCloseTo(-0.005, 6);
  });
});

describe('integerActivation', () => {
  it("computes h-swish as the integer graph does (input on its output range's preimage, times the h-sigmoid table), straight through inside", () => {
    const out = { step: 0.5, zeroPoint: 0, max: 3 };
    const s = hswishInputQ8(out).step; // (−3 + √45)/2 / 255
    const x8 = Math.round(1 / s) * s; // 1.0 on that grid: code 138
    const gate = (Math.round(x8 / Math.fround(6 / 254)) + 127) * Math.fround(1 / 254); // code 169
    const [value, grad, read] = tf.tidy(() => {
      const x = tf.scalar(1);
      const fn = (t: tf.Tensor): tf.Tensor => integerActivation(t, 'hswish', out, true);
      return [fn(x).dataSync()[0]!, tf.grad(fn)(x).dataSync()[0]!, integerActivation(x, 'hswish', out, false).dataSync()[0]!];
    });
    expect(Math.round(1 / s)).toBe(138);
    expect(value).toBeCloseTo(x8 * gate, 5);
    expect(value).not.toBeCloseTo(2 / 3, 3); // h-swish(1) itself
    // d(x8·g)/dx with both straight through: g + x8/6
    expect(grad).toBeCloseTo(gate + x8 / 6, 5);
    // read by something other than a conv: on `out` itself (0.668 -> 0.5)
    expect(read).toBe(0.5);
  });
});

describe('the integer requantizations in a tiny supernet', () => {
  it('are on for the onnxruntime preset only', () => {
    const role = { precision: 'elastic', signedInput: false, outChannels: 8 } as const;
    const ort = presetQuantFactory('onnxruntime', { format: 'uniform' })('l', role);
    const trt = presetQuantFactory('tensorrt', { format: 'uniform' })('l', role);
    expect(integerRequantOn(ort)).toBe(true);
    expect(integerRequantOn(trt)).toBe(false);
    ort?.dispose();
    trt?.dispose();
  });

  it('change the logits when on, and leave them bit-identical when off', () => {
    prepareSubnet(f, TINY_SPECS.large4!);
    const plain = appLogits(f);
    const layers = [...f.net.layerQuants.values()];
    setIntegerRequant(layers, true);
    const integer = appLogits(f);
    setIntegerRequant(layers, false);
    expect(appLogits(f)).toEqual(plain);
    expect(integer).not.toEqual(plain);
    // the same network: a requantization, not a different one
    const scale = Math.max(...plain.map(Math.abs));
    expect(Math.max(...integer.map((v, i) => Math.abs(v - plain[i]!))) / scale).toBeLessThan(0.5);
  });

  it('train: every weight and step that has a gradient without them has a finite one with them', () => {
    prepareSubnet(f, TINY_SPECS.mid3!);
    const layers = [...f.net.layerQuants.values()];
    const vars = f.net.params().map((p) => p.variable);
    const grads = (on: boolean): Record<string, number> => {
      setIntegerRequant(layers, on);
      try {
        return tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.mean(tf.square(f.net.forward(f.bn[0]!, TRAIN))) as tf.Scalar, vars);
          return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.sum(tf.abs(g)).dataSync()[0]!]));
        });
      } finally {
        setIntegerRequant(layers, false);
      }
    };
    const plain = grads(false);
    const integer = grads(true);
    const names = Object.keys(plain).filter((k) => plain[k]! > 0);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      expect(Number.isFinite(integer[name]), name).toBe(true);
      expect(integer[name], name).toBeGreaterThan(0);
    }
  });
});
