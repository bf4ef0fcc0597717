import type { SearchSpace } from './search-space';

/**
 * The reference space of the layer IR's architecture family (the paper's);
 * search ships it as the built-in 'ofa-mbv3' and latency's tests and
 * benchmarks draw their networks from it.
 *
 * Once-for-all's OFAMobileNetV3 space (width multiplier 1.0, as OQAT uses it)
 * for ImageNet-sized RGB input on GPU servers: stages 24/40/80/112/160,
 * depth {2,3,4}, kernel {3,5,7}, expand {3,4,6}, resolutions 128-224 in steps
 * of 4, final expand 960 and feature mix 1280.
 */
export const OFA_MBV3_SPACE: SearchSpace = {
  name: 'ofa-mbv3-w1.0',
  inputC: 3,
  numClasses: 1000,
  resolutions: Array.from({ length: 25 }, (_, i) => 128 + 4 * i),
  bits: [2, 3, 4, 32],
  stem: { outC: 16, kernel: 3, stride: 2, act: 'hswish' },
  firstBlock: { outC: 16, kernel: 3, act: 'relu', se: false },
  stages: [
    { outC: 24, stride: 2, depths: [2, 3, 4], kernels: [3, 5, 7], expands: [3, 4, 6], se: false, act: 'relu' },
    { outC: 40, stride: 2, depths: [2, 3, 4], kernels: [3, 5, 7], expands: [3, 4, 6], se: true, act: 'relu' },
    { outC: 80, stride: 2, depths: [2, 3, 4], kernels: [3, 5, 7], expands: [3, 4, 6], se: false, act: 'hswish' },
    { outC: 112, stride: 1, depths: [2, 3, 4], kernels: [3, 5, 7], expands: [3, 4, 6], se: true, act: 'hswish' },
    { outC: 160, stride: 2, depths: [2, 3, 4], kernels: [3, 5, 7], expands: [3, 4, 6], se: true, act: 'hswish' },
  ],
  head: { finalExpandC: 960, featureC: 1280, act: 'hswish', dropout: 0.1 },
};
