import { initEngine, tf } from '@oqat/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticSegmentationNet } from '../static/static-segmentation-net';
import { extractSubnet } from './extract-subnet';
import type { SegmentationSupernet } from './networks/segmentation-supernet';
import { appLogits, maxAbsDiff, prepareSubnet, TINY_SEGMENTATION_SPECS, tinySegmentationExportFixture, type TinyExportFixture } from './tiny-export.fixture';

let f: TinyExportFixture<SegmentationSupernet>;

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
  f = tinySegmentationExportFixture();
});

afterAll(() => f.dispose());

describe('StaticSegmentationNet', () => {
  it.each(Object.entries(TINY_SEGMENTATION_SPECS))('computes what the supernet computes for its subnet (%s)', (_key, spec) => {
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
    sub.dispose();
  });
});
