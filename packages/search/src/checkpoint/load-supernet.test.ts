import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf, type Tensor } from '@oqat/engine';
import { largestSubnet, withLayerBits } from '@oqat/latency';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL } from '../supernet/forward-context';
import { TINY_SPACE as space } from '../supernet/tiny-space';
import { loadSupernet } from './load-supernet';
import { writeWidthsCheckpoint } from './widths-checkpoint.fixture';

const dir = mkdtempSync(join(tmpdir(), 'oqat-load-supernet-'));
let images: Tensor;

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  images = tf.randomNormal([4, 12, 12, 1], 0, 1, 'float32', 1);
});

afterAll(() => {
  images.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('loadSupernet', () => {
  it('opens a checkpoint whose mixed subnets run as in the supernet that wrote it', () => {
    const path = join(dir, 'supernet.ckpt');
    const net = writeWidthsCheckpoint(path, space, 3);
    const loaded = loadSupernet(path);
    const specs = [
      withLayerBits(space, largestSubnet(space, 4), { 'stages.0.0.project': 2, 'head.expand': 3 }),
      withLayerBits(space, largestSubnet(space, 3), { 'first.dw': 4 }),
      largestSubnet(space, 2),
    ];
    for (const spec of specs) {
      const outputs = [net, loaded.net].map((n) => {
        n.setActive(spec);
        return tf.tidy(() => n.forward(images, EVAL).dataSync() as Float32Array);
      });
      expect(loaded.net.activeConfig()).toEqual(spec);
      expect([...outputs[1]!]).toEqual([...outputs[0]!]);
    }
    net.dispose();
    loaded.net.dispose();
  });
});
