import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { ANALOG_DEFAULTS } from '@oqat/quant';
import { AnalogRun } from '../static/analog-layers';
import { matmulLayers, setAnalogDevice } from '../static/analog-network';
import { staticSubnet } from '../supernet/static-subnet';
import { prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '../supernet/tiny-export.fixture';

const IDEAL = { ...ANALOG_DEFAULTS, inputBits: 32, weightBits: 32, adcBits: 32, gain: 1, noise: 0 };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('static networks on the analog device', () => {
  let f: TinyExportFixture;
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    f = tinyExportFixture();
  });
  afterAll(() => f.dispose());

  it.each(['large4', 'mid3'])('ideal converters reproduce the digital logits (%s: dense, depthwise 3/5/7, strides, SE, linears)', (name) => {
    const spec = TINY_SPECS[name]!;
    prepareSubnet(f, spec);
    const stat = staticSubnet(f.net, spec);
    try {
      const digital = tf.tidy(() => Array.from(stat.forward(f.images).dataSync()));
      setAnalogDevice(stat, new AnalogRun({ ...IDEAL, blockSize: 8 }));
      const analog = tf.tidy(() => Array.from(stat.forward(f.images).dataSync()));
      expect(maxDiff(analog, digital)).toBeLessThan(1e-3);
      // a coarse device moves them; more gain before the 4-bit ADC moves them less
      const err = (gain: number): number => {
        setAnalogDevice(stat, new AnalogRun({ ...IDEAL, blockSize: 16, adcBits: 4, gain }));
        return tf.tidy(() => maxDiff(Array.from(stat.forward(f.images).dataSync()), digital));
      };
      expect(err(1)).toBeGreaterThan(1e-2);
      expect(err(4)).toBeLessThan(err(1));
      setAnalogDevice(stat, undefined);
      expect(matmulLayers(stat).every((l) => l.device === undefined)).toBe(true);
    } finally {
      stat.dispose();
    }
  });
});
