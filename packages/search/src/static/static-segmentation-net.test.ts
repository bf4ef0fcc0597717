import { initEngine, tf } from '@oqat/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appLogits, maxAbsDiff, prepareSubnet, TINY_SEGMENTATION_SPECS, tinySegmentationExportFixture, type TinyExportFixture } from '../export/tiny-export.fixture';
import { extractSubnet } from '../supernet/extract-subnet';
import type { SegmentationSupernet } from '../supernet/networks/segmentation-supernet';
import { staticLayerFromConfig } from './registry';
import { StaticSegmentationNet } from './static-segmentation-net';

let f: TinyExportFixture<SegmentationSupernet>;

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  f = tinySegmentationExportFixture();
});

afterAll(() => f.dispose());

describe('StaticSegmentationNet', () => {
  it.each(Object.entries(TINY_SEGMENTATION_SPECS))('computes what the supernet computes for its subnet, and round-trips its config (%s)', (_key, spec) => {
    prepareSubnet(f, spec);
    const expected = appLogits(f);
    const sub = extractSubnet(f.net, { preserveWeights: true });
    expect(sub).toBeInstanceOf(StaticSegmentationNet);
    expect(sub.config.subnet).toEqual(spec);
    // The skip is the stem / first block's output (skipStage -1) at the resolution's stride-1 grid.
    expect(sub.config.segmentationHead.skipAfterBlocks).toBe(1);
    const got = tf.tidy(() => Float32Array.from(sub.forward(f.images).dataSync()));
    expect(got.length).toBe(24 * 14 * 14 * 4);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);

    const copies = new Map([...sub.weights()].map(([k, t]) => [k, tf.clone(t)]));
    const rebuilt = staticLayerFromConfig('net', JSON.parse(JSON.stringify(sub.toConfig())), copies) as StaticSegmentationNet;
    const again = tf.tidy(() => Float32Array.from(rebuilt.forward(f.images).dataSync()));
    expect(Array.from(again)).toEqual(Array.from(got));
    for (const x of [sub, rebuilt]) x.dispose();
  });
});
