import { initEngine, tf } from '@oqat/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appLogits, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '../supernet/tiny-export.fixture';
import { calibrateSubject, ptqNetwork, ptqSubject, staticWeightBytes, type PtqSubject } from './post-training-quantize';
import type { PtqSettings } from './ptq-settings';

const logitsOf = (net: ReturnType<typeof ptqNetwork>, images: tf.Tensor) => tf.tidy(() => Float32Array.from(net.forward(images).dataSync()));
const rmse = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length);

describe('post-training quantization of a float subnet (MMSE)', () => {
  let f: TinyExportFixture;
  let subject: PtqSubject;
  let floatLogits: Float32Array;
  const base: PtqSettings = { bits: 8, fixedBits: 8, granularity: 'tensor', calibration: 'mse' };

  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    f = tinyExportFixture(5);
    subject = ptqSubject(f.net, TINY_SPECS.float!, f.bn, f.bn);
    floatLogits = appLogits(f);
  });
  afterAll(() => {
    subject.dispose();
    f.dispose();
  });

  it('starts from the supernet float subnet: the float static network computes its logits', () => {
    const l = logitsOf(subject.float, f.images);
    expect(rmse(l, floatLogits)).toBeLessThan(1e-4);
    expect(() => ptqSubject(f.net, TINY_SPECS.large4!, f.bn, f.bn)).toThrow('subnet: bits must be 32 for post-training quantization');
  });

  it('quantizes every layer: elastic ones at the PTQ bits, fixed ones (stem, SE, classifier) at the fixed bits, inputs signed where the supernet says or the float inputs go negative', () => {
    const r = calibrateSubject(subject, { ...base, bits: 4 });
    const bits = Object.fromEntries(r.layers.map((l) => [l.name, l.bits]));
    expect(bits.stem).toBe(8);
    expect(bits['head.classifier']).toBe(8);
    expect(bits['blocks.0.dw']).toBe(4);
    expect(bits['head.expand']).toBe(4);
    expect(r.layers.filter((l) => l.name.includes('.se.')).every((l) => l.bits === 8)).toBe(true);
    const signed = Object.fromEntries(r.layers.map((l) => [l.name, l.inputSigned]));
    expect(signed.stem).toBe(true);
    expect(signed['blocks.1.project']).toBe(false);
    expect(r.config.stem.conv.weightQuant).toMatchObject({ bits: 8, signed: true });
    expect(r.config.blocks[1]!.project.inputQuant).toMatchObject({ bits: 4, signed: false });
    expect(r.multiTensorLayers).toEqual([]);
  });

  it('INT8 keeps the float logits; INT4 per channel is closer than per tensor; channelSteps on every conv, depthwise included', () => {
    const err = (s: PtqSettings) => {
      const net = ptqNetwork(subject.float, calibrateSubject(subject, s).config);
      try {
        return rmse(logitsOf(net, f.images), floatLogits);
      } finally {
        net.dispose();
      }
    };
    const scale = Math.sqrt(floatLogits.reduce((a, v) => a + v * v, 0) / floatLogits.length);
    // The tiny random network amplifies input rounding: INT8 within 15 % of the logits' RMS, INT4 well above it.
    expect(err(base)).toBeLessThan(0.15 * scale);
    expect(err({ ...base, bits: 4 })).toBeGreaterThan(2 * err(base));
    const perChannel = calibrateSubject(subject, { ...base, bits: 4, granularity: 'channel' });
    expect(perChannel.config.blocks[0]!.dw.weightQuant!.channelSteps).toHaveLength(perChannel.config.blocks[0]!.dw.outC);
    expect(perChannel.config.head.classifier.weightQuant!.channelSteps).toHaveLength(3);
    expect(perChannel.config.blocks[0]!.dw.inputQuant!.channelSteps).toBeUndefined();
    expect(err({ ...base, bits: 4, granularity: 'channel' })).toBeLessThan(err({ ...base, bits: 4 }));
  });

  it('multi-tensor: the layers the criterion picks become sums of two tensors, with a lower weight error and more bytes', () => {
    const one = calibrateSubject(subject, { ...base, bits: 4 });
    const two = calibrateSubject(subject, { ...base, bits: 4, multiTensor: { terms: 2, factor: 1.5 } });
    const median = [...one.layers.filter((l) => l.bits === 4 || l.bits === 8).map((l) => l.weightError)].sort((a, b) => a - b);
    const m = median.length % 2 ? median[median.length >> 1]! : (median[median.length / 2 - 1]! + median[median.length / 2]!) / 2;
    const expected = one.layers.filter((l) => l.weightError > 1.5 * m).map((l) => l.name);
    expect(expected.length).toBeGreaterThan(0);
    expect(two.multiTensorLayers.sort()).toEqual(expected.sort());
    for (const l of two.layers) {
      if (expected.includes(l.name)) {
        expect(l.terms).toBe(2);
        expect(l.weightErrorAfter).toBeLessThan(l.weightError / 4);
      } else expect(l.weightErrorAfter).toBe(l.weightError);
    }
    const name = expected[0]!;
    const layerConfig = JSON.stringify(two.config);
    expect(layerConfig).toContain('"residual"');
    const a = ptqNetwork(subject.float, one.config);
    const b = ptqNetwork(subject.float, two.config);
    try {
      expect(staticWeightBytes(b)).toBeGreaterThan(staticWeightBytes(a));
      expect(rmse(logitsOf(b, f.images), floatLogits)).toBeLessThan(rmse(logitsOf(a, f.images), floatLogits));
    } finally {
      a.dispose();
      b.dispose();
    }
    expect(name).toBeTruthy();
  });

  it('weight bytes: the float network 4 per weight, INT8 1 per weight plus 4 per step, INT4 half a byte', () => {
    const nets = [4, 8].map((bits) => ptqNetwork(subject.float, calibrateSubject(subject, { ...base, bits, fixedBits: bits as 8 }).config));
    try {
      const [b4, b8] = nets.map(staticWeightBytes) as [number, number];
      const n = subject.layers.reduce((a, l) => a + l.layer.weight.size, 0);
      const odd = subject.layers.filter((l) => l.layer.weight.size % 2 === 1).length;
      expect(staticWeightBytes(subject.float)).toBe(4 * n);
      expect(b8).toBe(n + 4 * subject.layers.length);
      expect(b4).toBe((n + odd) / 2 + 4 * subject.layers.length);
    } finally {
      nets.forEach((n) => n.dispose());
    }
  });
});
