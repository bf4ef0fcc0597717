import { initEngine, tf, type Tensor } from '@oqat/engine';
import { largestSubnet, smallestSubnet } from '@oqat/latency';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL, TRAIN } from './forward-context';
import type { LsqLayerQuant } from './lsq-layer-quant';
import { MobileNetV3Supernet } from './networks/mobilenet-v3';
import { presetQuantizerProblem } from '../config/run-preset';
import { presetQuantFactory } from './preset-quant-factory';
import { quantFactoryFor } from './quant-factory';
import { reestimateBn } from './reestimate-bn';
import { TINY_SPACE as space } from './tiny-space';

const AFTER_RELU = { precision: 'elastic', signedInput: false, outChannels: 8 } as const;
const FIXED = { precision: 'fixed', signedInput: false, outChannels: 3 } as const;
let images: Tensor;

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  images = tf.randomNormal([6, 12, 12, 1], 0, 1, 'float32', 4);
});

afterAll(() => images.dispose());

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

describe('presetQuantizerProblem', () => {
  it('refuses the quantizers and formats a backend cannot run, in one line', () => {
    expect(presetQuantizerProblem('none', 'dropbits')).toBeUndefined();
    expect(presetQuantizerProblem('tensorrt', 'lsq')).toBeUndefined();
    expect(presetQuantizerProblem('vitis', 'lsq')).toBeUndefined();
    expect(presetQuantizerProblem('fpga-esb', 'esb')).toBeUndefined();
    expect(presetQuantizerProblem('tensorrt', 'dropbits')).toMatch(/^the dropbits quantizer takes no per-channel/);
    expect(presetQuantizerProblem('tensorrt', 'esb')).toMatch(/not esb/);
    expect(presetQuantizerProblem('vitis', 'abfp')).toMatch(/not abfp/);
  });
});

describe('presetQuantFactory', () => {
  it('tensorrt: one weight step per output channel, signed inputs after ReLU, uniform steps', () => {
    const factory = presetQuantFactory('tensorrt', { format: 'uniform' });
    const q = factory('a', AFTER_RELU) as LsqLayerQuant;
    expect(q.weightQuantizer.perChannel).toBe(true);
    expect(q.weightQuantizer.maxChannels).toBe(8);
    expect(q.inputQuantizer.signed).toBe(true);
    expect(q.weightQuantizer.format.name).toBe('uniform');
    q.setBits(4);
    const w = tf.randomNormal([1, 1, 4, 8], 0, 0.1, 'float32', 1);
    tf.tidy(() => [q.weight(w), q.input(tf.relu(images))]);
    // A subnet's first 5 channels use the first 5 steps of the same variable: code·s_c with |code| <= 8.
    const steps = q.weightQuantizer.stepValues(4);
    const slice = tf.slice(w, [0, 0, 0, 0], [1, 1, 4, 5]);
    const out = tf.tidy(() => q.weight(slice).dataSync() as Float32Array);
    out.forEach((v, i) => {
      const code = v / steps[i % 5]!;
      expect(Math.abs(code - Math.round(code))).toBeLessThan(1e-4);
      expect(Math.round(code)).toBeGreaterThanOrEqual(-8);
      expect(Math.round(code)).toBeLessThanOrEqual(7);
    });
    const frozen = q.frozen();
    expect(frozen.weight?.channelSteps).toHaveLength(8);
    expect(frozen.input?.signed).toBe(true);
    [w, slice].forEach((t) => t.dispose());
    q.dispose();
  });

  it("quantFactoryFor: a run's preset constrains its quantizer (lsq and the formats)", () => {
    const lsq = quantFactoryFor({ quantizer: 'lsq', preset: 'tensorrt' })('a', AFTER_RELU) as LsqLayerQuant;
    expect([lsq.weightQuantizer.perChannel, lsq.inputQuantizer.signed, lsq.weightQuantizer.format.name]).toEqual([true, true, 'uniform']);
    const pow2 = quantFactoryFor({ quantizer: 'pow2', preset: 'onnxruntime' })('a', AFTER_RELU) as LsqLayerQuant;
    expect([pow2.weightQuantizer.perChannel, pow2.inputQuantizer.signed, pow2.weightQuantizer.format.name]).toEqual([true, false, 'pow2']);
    const none = quantFactoryFor({ quantizer: 'lsq', preset: 'none' })('a', AFTER_RELU) as LsqLayerQuant;
    expect([none.weightQuantizer.perChannel, none.inputQuantizer.signed]).toEqual([false, false]);
    [lsq, pow2, none].forEach((q) => q.dispose());
  });

  it('onnxruntime: per-channel weights, unsigned codes after ReLU (zero point 0)', () => {
    const q = presetQuantFactory('onnxruntime', { format: 'uniform' })('a', AFTER_RELU) as LsqLayerQuant;
    expect(q.weightQuantizer.perChannel).toBe(true);
    expect(q.inputQuantizer.signed).toBe(false);
    q.dispose();
  });

  it('vitis: per-tensor power-of-two steps on every layer, the fixed ones included', () => {
    const factory = presetQuantFactory('vitis', { format: 'uniform' });
    const elastic = factory('a', AFTER_RELU) as LsqLayerQuant;
    const fixed = factory('b', FIXED) as LsqLayerQuant;
    for (const q of [elastic, fixed]) {
      expect(q.weightQuantizer.format.name).toBe('pow2');
      expect(q.inputQuantizer.format.name).toBe('pow2');
      expect(q.weightQuantizer.perChannel).toBe(false);
      expect(q.inputQuantizer.signed).toBe(true);
      q.setBits(q === fixed ? 8 : 4);
      const w = tf.randomNormal([1, 1, 4, 8], 0, 0.1, 'float32', 2);
      tf.tidy(() => [q.weight(w), q.input(images)]);
      const { weight } = q.frozen();
      expect(weight?.format).toBe('pow2');
      expect(Number.isInteger(Math.log2(weight!.step))).toBe(true);
      w.dispose();
      q.dispose();
    }
  });

  it('per-channel steps follow the channel sort: the largest subnet computes the same before and after', () => {
    const net = new MobileNetV3Supernet(space, { seed: 5, quant: presetQuantFactory('tensorrt', { format: 'uniform' }) });
    net.setActive(largestSubnet(space, 4));
    tf.tidy(() => void net.forward(images, TRAIN)); // steps from data, one per channel
    const before = tf.tidy(() => net.forward(images, TRAIN).dataSync() as Float32Array);
    net.sortChannels();
    const after = tf.tidy(() => net.forward(images, TRAIN).dataSync() as Float32Array);
    expect(maxAbsDiff(after, before)).toBeLessThan(1e-4);
    net.dispose();
  });

  it('a static subnet with per-channel steps (depthwise ones too) computes what the supernet does', () => {
    const net = new MobileNetV3Supernet(space, { seed: 6, quant: presetQuantFactory('tensorrt', { format: 'uniform' }) });
    const calib = [images];
    for (const spec of [largestSubnet(space, 4), smallestSubnet(space, 4)]) {
      net.setActive(spec);
      tf.tidy(() => void net.forward(images, TRAIN));
      reestimateBn(net, calib);
      const expected = tf.tidy(() => net.forward(images, EVAL).dataSync() as Float32Array);
      const sub = net.extractSubnet({ preserveWeights: true });
      const dw = sub.config.blocks[1]!.dw.weightQuant!;
      expect(dw.channelSteps).toHaveLength(sub.config.blocks[1]!.dw.outC);
      const got = tf.tidy(() => sub.forward(images).dataSync() as Float32Array);
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
      sub.dispose();
    }
    net.dispose();
  });
});
