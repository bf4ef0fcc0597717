import { initEngine, tf, type Tensor } from '@oqat/engine';
import { largestSubnet, smallestSubnet } from '@oqat/latency';
import { SQ_DEFAULT_RATIOS } from '@oqat/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../config/parse-train-config';
import { InvalidTrainConfigError } from '../errors';
import { quantFactoryFor } from '../supernet/quant-factory';
import { TRAIN } from '../supernet/forward-context';
import { lsqQuantFactory } from '../supernet/lsq-layer-quant';
import { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import { SqLayerQuant, sqQuantFactory } from '../supernet/sq-layer-quant';
import { TINY_SPACE } from '../supernet/tiny-space';
import { sqStageAt, withSq } from './sq-training';

describe('SQ schedule', () => {
  it("splits a phase into equal stages, one per ratio (the paper's 50 → 75 → 87.5 → 100 %)", () => {
    const ratios = [0.5, 0.75, 0.875, 1];
    // 10 steps, 4 stages: steps 0-2, 3-4, 5-7, 8-9
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => sqStageAt(ratios, s, 10).ratio)).toEqual([0.5, 0.5, 0.5, 0.75, 0.75, 0.875, 0.875, 0.875, 1, 1]);
    expect(sqStageAt(ratios, 5, 10)).toEqual({ stage: 2, stages: 4, ratio: 0.875, firstStep: 5 });
    expect(sqStageAt(ratios, 9, 10)).toEqual({ stage: 3, stages: 4, ratio: 1, firstStep: 8 });
    // fewer steps than stages: the last step is in the last stage
    expect(sqStageAt(ratios, 1, 2).ratio).toBe(1);
    expect(sqStageAt([1], 0, 5)).toEqual({ stage: 0, stages: 1, ratio: 1, firstStep: 0 });
  });
});

describe('withSq', () => {
  let images: Tensor | undefined;
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1);
  });
  afterAll(() => images?.dispose());

  it("reports the step's quantized share and the mean error of the chosen filters vs all; fully quantized after it", () => {
    const net = new MobileNetV3Supernet(TINY_SPACE, { seed: 1, quant: sqQuantFactory(lsqQuantFactory) });
    net.setActive(largestSubnet(TINY_SPACE, 4));
    const forward = () => tf.tidy(() => Array.from(net.forward(images!, TRAIN).dataSync()));
    const full = forward();
    const { value, stats } = withSq(net, { seed: 2, ratio: 0.5 }, () => {
      const largest = forward();
      net.setActive(smallestSubnet(TINY_SPACE, 4));
      forward();
      net.setActive(largestSubnet(TINY_SPACE, 4));
      return largest;
    });
    expect(value).not.toEqual(full);
    // every elastic layer quantizes m - floor(m/2) of its m filters: a share of one half or a little above
    expect(stats!.ratio).toBe(0.5);
    expect(stats!.share).toBeGreaterThanOrEqual(0.5);
    expect(stats!.share).toBeLessThan(0.6);
    // the error-inverse sampling: the chosen filters' mean error is below the layer mean
    expect(stats!.errorQuantized!).toBeLessThan(stats!.errorAll!);
    expect(forward()).toEqual(full);
    // ratio 1: nothing partitioned, all quantized; no sampling: no stats
    expect(withSq(net, { seed: 2, ratio: 1 }, forward).stats).toEqual({ ratio: 1, share: 1 });
    expect(withSq(net, undefined, forward).stats).toBeUndefined();
    net.dispose();
  });
});

describe("the run config's sq", () => {
  const phases = [{ bits: 4, epochs: 1, lr: 0.01 }];

  it('is off by default; ratios must rise to 1', () => {
    expect(parseTrainConfig({ phases }).sq).toEqual({ ratios: [] });
    expect(parseTrainConfig({ phases, sq: { ratios: [...SQ_DEFAULT_RATIOS] } }).sq.ratios).toEqual([0.5, 0.75, 0.875, 1]);
    expect(() => parseTrainConfig({ phases, sq: { ratios: [0.5, 0.4, 1] } })).toThrow(/sq\.ratios must not fall, got 0.4 after 0.5/);
    expect(() => parseTrainConfig({ phases, sq: { ratios: [0.5, 0.75] } })).toThrow(/end at 1/);
    expect(() => parseTrainConfig({ phases, sq: { ratios: [0, 1] } })).toThrow(InvalidTrainConfigError);
    expect(() => parseTrainConfig({ phases, sq: { ratio: 1 } })).toThrow(InvalidTrainConfigError);
  });

  it('wraps the elastic layers of any quantizer when on', () => {
    const elastic = { precision: 'elastic' as const, signedInput: true };
    const fixed = { precision: 'fixed' as const, signedInput: true };
    for (const quantizer of ['lsq', 'dropbits', 'esb', 'pow2'] as const) {
      const on = quantFactoryFor({ quantizer, dropBits: { rate: 0.3, penalty: 0 }, sq: { ratios: [0.5, 1] } });
      const q = on('l', elastic)!;
      expect(q).toBeInstanceOf(SqLayerQuant);
      q.dispose();
      const f = on('f', fixed)!;
      expect(f).not.toBeInstanceOf(SqLayerQuant);
      f.dispose();
    }
    const off = quantFactoryFor({ quantizer: 'lsq', sq: { ratios: [] } })('l', elastic)!;
    expect(off).not.toBeInstanceOf(SqLayerQuant);
    off.dispose();
  });
});
