import { describe, expect, it } from 'vitest';
import { validateLayers } from '../ir/validate-layers';
import { networkFigures } from '../ir/network-figures';
import { createRng } from '../rng/seeded-rng';
import { MOBILENET_V3_SPACE, SMALL_MOBILENET_SPACE } from './mobilenet-space';
import { lowerMobileNet, randomMobileNet } from './random-mobilenet';

describe('randomMobileNet', () => {
  it('gives valid, seed-determined networks with chained shapes', () => {
    const a = randomMobileNet(createRng(3), SMALL_MOBILENET_SPACE);
    expect(randomMobileNet(createRng(3), SMALL_MOBILENET_SPACE)).toEqual(a);
    for (let i = 0; i < 50; i++) {
      const layers = validateLayers(randomMobileNet(createRng(i), MOBILENET_V3_SPACE));
      expect(layers[layers.length - 1]!.op).toBe('fc');
    }
  });

  it('matches the size of OFA MobileNetV3 at its largest setting', () => {
    const max = {
      resolution: 224,
      bits: 32,
      stages: MOBILENET_V3_SPACE.stages.map(() => Array.from({ length: 4 }, () => ({ kernel: 7, expand: 6 }))),
    };
    const f = networkFigures(lowerMobileNet(max, { ...MOBILENET_V3_SPACE, highPrecisionBits: 32 }));
    // OFA-MBv3 w1.0, D=4 E=6 K=7 at 224: about 7.7 M params and ~ 0.4-0.5 G MACs (with BN folded into biases)
    expect(f.params / 1e6).toBeGreaterThan(7);
    expect(f.params / 1e6).toBeLessThan(8.5);
    expect(f.macs / 1e9).toBeGreaterThan(0.35);
    expect(f.macs / 1e9).toBeLessThan(0.6);
  });
});
