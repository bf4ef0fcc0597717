import { describe, expect, it } from 'vitest';
import { largestSubnet, lowerSubnet, OFA_MBV3_SPACE, smallestSubnet } from '@oqat/latency';
import { spaceForData } from './data-space';
import { FASHION_MNIST_SPACE } from './fashion-mnist-space';
import { parseSearchSpace } from './parse-search-space';

describe('spaceForData', () => {
  it('fits a built-in space to the data: channels, classes, resolutions scaled from the image side', () => {
    const fashion = spaceForData('fashion-mnist', { channels: 1, classes: 10, height: 28, width: 28 });
    expect({ ...fashion, name: FASHION_MNIST_SPACE.name }).toEqual(FASHION_MNIST_SPACE);
    const small = spaceForData('fashion-mnist', { channels: 3, classes: 4, height: 16, width: 20 });
    expect([small.inputC, small.numClasses, small.resolutions]).toEqual([3, 4, [12, 16, 20]]);
    expect(small.stages).toEqual(FASHION_MNIST_SPACE.stages);
    expect(small.name).not.toBe(fashion.name);
    expect(parseSearchSpace(JSON.parse(JSON.stringify(small)))).toEqual(small);
    for (const spec of [largestSubnet(small), smallestSubnet(small)]) {
      expect(lowerSubnet(small, spec)[0]).toMatchObject({ inC: 3, inH: spec.resolution });
      expect(lowerSubnet(small, spec).at(-1)).toMatchObject({ op: 'fc', outC: 4 });
    }
  });

  it("keeps the OFA space's 128-224 resolutions and fits its input and classes", () => {
    const ofa = spaceForData('ofa-mbv3', { channels: 3, classes: 5, height: 500, width: 375 });
    expect([ofa.inputC, ofa.numClasses, ofa.resolutions]).toEqual([3, 5, OFA_MBV3_SPACE.resolutions]);
    expect(spaceForData('segmentation-scenes', { channels: 3, classes: 3, height: 32, width: 32 }).resolutions).toEqual([24, 28, 32]);
  });
});
