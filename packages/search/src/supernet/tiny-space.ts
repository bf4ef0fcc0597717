import type { SearchSpace } from '@oqat/latency';

/**
 * A space small enough for unit tests on the cpu backend: every elastic
 * dimension present (two depths, three kernels so both transforms exist,
 * two expands, two resolutions, SE, both activations) at a few channels.
 */
export const TINY_SPACE: SearchSpace = {
  name: 'tiny-test',
  inputC: 1,
  numClasses: 3,
  resolutions: [8, 12],
  bits: [2, 3, 4, 32],
  stem: { outC: 4, kernel: 3, stride: 1, act: 'hswish' },
  firstBlock: { outC: 4, kernel: 3, act: 'relu', se: false },
  stages: [
    { outC: 8, stride: 2, depths: [1, 2], kernels: [3, 5], expands: [2, 3], se: false, act: 'relu' },
    { outC: 8, stride: 1, depths: [1, 2], kernels: [3, 5, 7], expands: [2, 3], se: true, act: 'hswish' },
  ],
  head: { finalExpandC: 16, featureC: 12, act: 'hswish', dropout: 0 },
};

/** TINY_SPACE with a dense head, for segmentation tests: 4 classes (background + 3 toy items), 12-16 px. */
export const TINY_SEGMENTATION_SPACE: SearchSpace = {
  ...TINY_SPACE,
  name: 'tiny-segmentation-test',
  numClasses: 4,
  resolutions: [12, 16],
  head: { ...TINY_SPACE.head, featureC: 0 },
  segmentationHead: { skipStage: -1, channels: 8 },
};
