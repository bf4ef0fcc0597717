// The one test of this package that touches TensorFlow.js: it passes
// @oqat/engine's `tf` to the runtime, as the CLI does.
import { initEngine, tf } from '@oqat/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerDesc } from '../ir/layer-desc';
import { createRng } from '@oqat/core';
import { randomSubnetLayers, SMALL_OFA_SPACE } from '../space/random-subnet.test-support';
import { measureLatency } from './measure-latency';
import { createTfjsRuntime } from './tfjs-runtime';

beforeAll(async () => {
  await initEngine({ backend: 'wasm' });
});

const base = { inH: 8, inW: 8, kernel: 1, stride: 1, groups: 1, wBits: 32, aBits: 32 } as const;

describe('createTfjsRuntime', () => {
  it('builds and runs every op of the IR without leaking tensors', async () => {
    const runtime = createTfjsRuntime(tf);
    expect(runtime.name).toBe('tfjs-wasm');
    const layers: LayerDesc[] = [
      { ...base, op: 'conv', inC: 4, outC: 8, kernel: 3, stride: 2, act: 'hswish' },
      { ...base, op: 'dwconv', inH: 4, inW: 4, inC: 8, outC: 8, kernel: 5, groups: 8, act: 'relu6' },
      { ...base, op: 'se', inH: 4, inW: 4, inC: 8, outC: 8, act: 'hsigmoid' },
      { ...base, op: 'conv', inH: 4, inW: 4, inC: 8, outC: 8, groups: 2, act: 'none' },
      { ...base, op: 'add', inH: 4, inW: 4, inC: 8, outC: 8 },
      { ...base, op: 'mul', inH: 4, inW: 4, inC: 8, outC: 8, act: 'sigmoid' },
      { ...base, op: 'concat', inH: 4, inW: 4, inC: 8, outC: 12 },
      { ...base, op: 'upsample', inH: 4, inW: 4, inC: 12, outC: 12, stride: 2 },
      { ...base, op: 'maxpool', inH: 8, inW: 8, inC: 12, outC: 12, kernel: 3, stride: 2 },
      { ...base, op: 'activation', inH: 4, inW: 4, inC: 12, outC: 12, act: 'relu' },
      { ...base, op: 'avgpool', inH: 4, inW: 4, inC: 12, outC: 12, kernel: 4, stride: 4 },
      { ...base, op: 'fc', inH: 1, inW: 1, inC: 12, outC: 10 },
    ];
    const before = tf.memory().numTensors;
    const net = await runtime.prepare(layers, createRng(1));
    await net.run();
    await net.run();
    await net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('times a small MobileNetV3-like network', async () => {
    const runtime = createTfjsRuntime(tf);
    const layers = randomSubnetLayers(createRng(2), SMALL_OFA_SPACE).slice(0, 20);
    const net = await runtime.prepare(layers, createRng(3));
    const timing = await measureLatency(() => net.run(), { warmup: 1, repeats: 5 });
    await net.dispose();
    expect(timing.medianMs).toBeGreaterThan(0);
    expect(timing.kept + timing.rejected).toBe(5);
  });
});
