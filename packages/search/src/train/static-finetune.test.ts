import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIT_RANGE } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { ANALOG_DEFAULTS } from '@oqat/quant';
import { matmulLayers } from '../static/analog-network';
import { staticSubnet } from '../supernet/static-subnet';
import { prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '../supernet/tiny-export.fixture';
import { finetuneStatic } from './static-finetune';
import { toyDataset } from './toy-dataset';

describe('finetuneStatic', () => {
  let f: TinyExportFixture;
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    f = tinyExportFixture();
  });
  afterAll(() => f.dispose());

  it('DNF measures every product\'s differential noise on the device, trains a copy and leaves the input network as it was', async () => {
    const spec = TINY_SPECS.mid3!;
    prepareSubnet(f, spec);
    const stat = staticSubnet(f.net, spec);
    const before = new Map([...stat.weights()].map(([k, t]) => [k, Array.from(t.dataSync())]));
    const data = toyDataset(48, 10, stat.config.numClasses, 5);
    const device = { ...ANALOG_DEFAULTS, blockSize: 16, adcBits: 6, gain: 2 };
    const { net, losses, noise, seconds } = await finetuneStatic(stat, data, UNIT_RANGE, {
      steps: 3, lr: 0.05, batchSize: 16, seed: 1, dnf: { device, calibrationImages: 16, refreshSteps: 2 },
    });
    try {
      expect(losses).toHaveLength(3);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect([...noise!.keys()].sort()).toEqual(matmulLayers(stat).map((l) => l.name).sort());
      expect([...noise!.values()].some((n) => n.std.some((s) => s > 0))).toBe(true);
      expect(seconds.calibration).toBeGreaterThan(0);
      for (const [k, t] of stat.weights()) expect(Array.from(t.dataSync())).toEqual(before.get(k));
      const moved = [...net.weights()].filter(([k, t]) => k.endsWith('.weight') && tf.tidy(() => tf.any(tf.notEqual(t, stat.weights().get(k)!)).dataSync()[0]));
      expect(moved.length).toBeGreaterThan(0);
      expect(matmulLayers(net).every((l) => l.device === undefined)).toBe(true);
    } finally {
      net.dispose();
      stat.dispose();
    }
  });

  it('reports every step and stops once its signal is aborted (a job\'s progress and cancel)', async () => {
    const spec = TINY_SPECS.mid3!;
    prepareSubnet(f, spec);
    const stat = staticSubnet(f.net, spec);
    const stop = new AbortController();
    const seen: number[] = [];
    const { net, losses } = await finetuneStatic(stat, toyDataset(48, 10, stat.config.numClasses, 5), UNIT_RANGE, {
      steps: 5, lr: 0.01, batchSize: 16, seed: 1, signal: stop.signal,
      onStep: async (step) => {
        seen.push(step);
        if (step === 2) stop.abort();
      },
    });
    net.dispose();
    stat.dispose();
    expect(seen).toEqual([1, 2]);
    expect(losses).toHaveLength(2);
  });
});
