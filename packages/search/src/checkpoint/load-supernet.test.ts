import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, tf, type Tensor } from '@oqat/engine';
import { largestSubnet, withLayerBits } from '@oqat/latency';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, oqatPhases } from '../config/train-config';
import { EVAL } from '../supernet/forward-context';
import { readNetworkState } from '../supernet/network-state';
import { TINY_SPACE as space } from '../supernet/tiny-space';
import { trainedWidthsSupernet } from '../supernet/width-weights.fixture';
import { writeCheckpointFile } from './checkpoint-file';
import { loadSupernet } from './load-supernet';
import { widthPrefix, type TrainCheckpointMeta } from './supernet-checkpoint';

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
    // As a checkpoint in the 2-bit phase of 4 -> 3 -> 2 leaves it: 4 and 3 bits kept, 2 bits in the plain tensors.
    const net = trainedWidthsSupernet(space, images, 3);
    const tensors = readNetworkState(net);
    for (const bits of net.widths.keptWidths()) for (const [name, t] of net.widths.keptState(bits)!) tensors.set(`${widthPrefix(bits)}${name}`, t);
    const config = { ...DEFAULT_TRAIN_CONFIG, seed: 3, space, phases: oqatPhases([4, 3, 2], { float: 0, first: 1, inherited: 1 }) };
    const position = { phaseIndex: 2, phaseStep: 1, globalStep: 3 };
    const meta: TrainCheckpointMeta = {
      kind: 'oqat-supernet-training', config, space, position, sampler: { seed: 3, stream: 'sandwich', ...position }, keptWidths: net.widths.keptWidths(),
    };
    const path = join(dir, 'supernet.ckpt');
    writeCheckpointFile(path, { meta, tensors });
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
