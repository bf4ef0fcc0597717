import { initEngine, tf } from '@oqat/engine';
import { largestSubnet, smallestSubnet } from '@oqat/latency';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpaceError } from '../../errors';
import { EVAL, TRAIN } from '../forward-context';
import { lsqQuantFactory } from '../lsq-layer-quant';
import { reestimateBn } from '../reestimate-bn';
import { TINY_SEGMENTATION_SPACE as space, TINY_SPACE } from '../tiny-space';
import { SegmentationSupernet } from './segmentation-supernet';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

describe('SegmentationSupernet', () => {
  it('predicts per-pixel logits at the input size for every subnet, leaking nothing', () => {
    const net = new SegmentationSupernet(space, { seed: 1, quant: lsqQuantFactory });
    const images = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 1);
    for (const spec of [largestSubnet(space, 32), smallestSubnet(space, 4), smallestSubnet(space, 2)]) {
      net.setActive(spec);
      tf.tidy(() => net.forward(images, TRAIN)); // creates the bit width's step sizes once
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => net.forward(images, TRAIN));
      expect(out.shape).toEqual([2, 16, 16, 4]);
      out.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    // The head's BN is re-estimated with the backbone's; its quantized layers are registered for inheritance.
    expect([...net.batchNorms().keys()]).toContain('seg.high.bn');
    expect([...net.layerQuants.keys()].filter((k) => k.startsWith('seg.')).sort()).toEqual(['seg.high', 'seg.high.classifier', 'seg.pixel-gate', 'seg.skip.classifier']);
    reestimateBn(net, [images]);
    const mean = net.head.highBn.runningMean.dataSync();
    expect(mean.some((v) => v !== 0)).toBe(true);
    expect(tf.tidy(() => net.forward(images, EVAL)).shape).toEqual([2, 16, 16, 4]);
    images.dispose();
    net.dispose();
  });

  it('rejects a space without a segmentation head', () => {
    expect(() => new SegmentationSupernet(TINY_SPACE, { seed: 1 })).toThrow(InvalidSpaceError);
    expect(() => new SegmentationSupernet(TINY_SPACE, { seed: 1 })).toThrow(/segmentationHead is missing in space 'tiny-test'/);
  });
});
